import type { VobizWebhookOptions } from '@vobiz-webhooks/core';
import {
  toDeliveryResponse,
  toRequest as toFetchRequest,
  type DeliveryRequest,
  type MakeMetaTarget,
  type MakeTarget,
  type Target,
} from '@vobiz-webhooks/test-suites';

export { toDeliveryResponse };
import { metaRouteHandler, metaWebhook, vobizWebhook, type VobizFetchHandler } from '@vobiz-webhooks/web';

const ORIGIN = 'http://127.0.0.1:8787';
const DEFAULT_PATH = '/webhooks/vobiz';
const META_PATH = '/webhooks/meta';

/** A Web `Request` for a delivery, as Bun, Deno or workerd hand one to `fetch`. */
export const toRequest = (request: DeliveryRequest, origin = ORIGIN): Request =>
  toFetchRequest(request, { origin, defaultPath: DEFAULT_PATH });

/** A handler given every request as a Bun or Deno server would, at `path` unless the request names one. */
const handlerTarget = (handler: VobizFetchHandler, path: string): Target => ({
  send: async (request) => toDeliveryResponse(await handler(toRequest({ path, ...request }))),
});

/** The bare `fetch` handler, given every request as a Bun or Deno server would, at `options.path`. */
export const makeWebTarget: MakeTarget = (options: VobizWebhookOptions): Target =>
  handlerTarget(vobizWebhook(options), options.path ?? DEFAULT_PATH);

/** `metaWebhook`'s bare `fetch` handler, the same way. */
export const makeWebMetaTarget: MakeMetaTarget = (options) =>
  handlerTarget(metaWebhook(options), options.path ?? META_PATH);

/** `metaRouteHandler`, as a router that matched the path hands it the request. */
export const makeWebMetaRouteTarget: MakeMetaTarget = (options) =>
  handlerTarget(metaRouteHandler(options), options.path ?? META_PATH);
