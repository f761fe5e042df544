import type { VobizWebhookOptions } from '@vobiz-webhooks/core';
import {
  toDeliveryResponse,
  toRequest as toFetchRequest,
  type DeliveryRequest,
  type MakeTarget,
  type Target,
} from '@vobiz-webhooks/test-suites';

export { toDeliveryResponse };
import { vobizWebhook } from '@vobiz-webhooks/web';

const ORIGIN = 'http://127.0.0.1:8787';
const DEFAULT_PATH = '/webhooks/vobiz';

/** A Web `Request` for a delivery, as Bun, Deno or workerd hand one to `fetch`. */
export const toRequest = (request: DeliveryRequest, origin = ORIGIN): Request =>
  toFetchRequest(request, { origin, defaultPath: DEFAULT_PATH });

/** The bare `fetch` handler, given every request as a Bun or Deno server would, at `options.path`. */
export const makeWebTarget: MakeTarget = (options: VobizWebhookOptions): Target => {
  const handler = vobizWebhook(options);
  const path = options.path ?? DEFAULT_PATH;
  return { send: async (request) => toDeliveryResponse(await handler(toRequest({ path, ...request }))) };
};
