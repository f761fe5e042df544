import type { MetaWebhookOptions, VobizWebhookOptions } from '@vobiz-webhooks/core';
import {
  toDeliveryResponse,
  toRequest as toFetchRequest,
  type DeliveryRequest,
  type MakeMetaTarget,
  type MakeTarget,
  type Target,
} from '@vobiz-webhooks/test-suites';

export { toDeliveryResponse };
import { metaWebhook, vobizWebhook } from '@vobiz-webhooks/next';

/** Where the route file would live; the App Router handler answers whatever URL reaches it. */
const ORIGIN = 'http://localhost:3000';
const DEFAULT_PATH = '/api/webhooks/vobiz';

/** A Web `Request` for a delivery, exactly as Next.js hands one to a route handler. */
export const toRequest = (request: DeliveryRequest): Request =>
  toFetchRequest(request, { origin: ORIGIN, defaultPath: DEFAULT_PATH });

/**
 * The App Router handler called the way Next.js calls it: `POST(new Request(...))`.
 * Next routes by file, so every method reaches the handler here; a real route file
 * exporting only POST would get Next's own 405 for the rest.
 */
export const makeNextTarget: MakeTarget = (options: VobizWebhookOptions): Target => {
  const handler = vobizWebhook(options);
  return {
    send: async (request) => toDeliveryResponse(await handler(toRequest(request))),
  };
};

/**
 * `export const { GET, POST } = metaWebhook(options)` called the way Next.js calls a route
 * file's exports: a GET goes to `GET`, anything else to `POST` (as above, so the
 * pipeline's own 405 is what the suites see for other methods).
 */
export const makeNextMetaTarget: MakeMetaTarget = (options: MetaWebhookOptions): Target => {
  const { GET, POST } = metaWebhook(options);
  return {
    send: async (request) => toDeliveryResponse(await (request.method === 'GET' ? GET : POST)(toRequest(request))),
  };
};
