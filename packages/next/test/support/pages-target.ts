import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetaWebhookOptions, VobizWebhookOptions } from '@vobiz-webhooks/core';
import { metaWebhook, vobizWebhook, type VobizPagesHandler } from '@vobiz-webhooks/next/pages';
import {
  listen,
  toDeliveryResponse,
  type MakeMetaTarget,
  type MakeTarget,
  type Target,
} from '@vobiz-webhooks/test-suites';

// Kept apart from ./target.ts, which the Edge runtime tests load: this one serves the
// Pages Router handler over Node's http.

/**
 * A Pages Router API route (`pages/api/…` with `bodyParser: false`) behind a real HTTP
 * server: every request reaches the handler, as every request to that file does.
 */
async function pagesTarget(handler: VobizPagesHandler, defaultPath: string): Promise<Target> {
  const served = await listen((req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((error: unknown) => {
      // Next answers a throwing API route with its own 500; the handler never throws, so this fails the test.
      res.writeHead(599).end(String(error));
    });
  });
  return {
    async send({ method = 'POST', path = defaultPath, headers = {}, body }) {
      const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
      const response = await fetch(served.origin + path, {
        method,
        headers,
        ...(hasBody ? { body: body as BodyInit } : {}),
      });
      return toDeliveryResponse(response);
    },
    close: served.close,
  };
}

/** `export default vobizWebhook(options)` in `pages/api/webhooks/vobiz.ts`. */
export const makePagesTarget: MakeTarget = (options: VobizWebhookOptions) =>
  pagesTarget(vobizWebhook(options), '/api/webhooks/vobiz');

/** `export default metaWebhook(options)` in `pages/api/webhooks/meta.ts`. */
export const makePagesMetaTarget: MakeMetaTarget = (options: MetaWebhookOptions) =>
  pagesTarget(metaWebhook(options), '/api/webhooks/meta');
