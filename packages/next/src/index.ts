// The App Router entry. It runs in both route runtimes, so it imports nothing from
// `node:`: `@vobiz-webhooks/core` resolves to its Web Crypto build under the
// `edge-light` export condition that Next.js sets for `runtime = 'edge'`.
import { createReceiver, readWebBody, type VobizWebhookOptions } from '@vobiz-webhooks/core';
import { duringNextBuild } from './build-phase';

/** A Next.js App Router route handler (`export const POST = …`), or any Fetch API handler. */
export type VobizRouteHandler = (request: Request) => Promise<Response>;

/**
 * `export const POST = vobizWebhook({ secret, on })` in `app/…/route.ts`, on the
 * Node.js or the Edge runtime. The route file decides the path, so `options.path`
 * is not used. Pass the untouched `Request`: the signature is over its exact bytes.
 */
export function vobizWebhook(options: VobizWebhookOptions): VobizRouteHandler {
  let receiver = duringNextBuild() ? undefined : createReceiver(options);
  return async (request) => {
    receiver ??= createReceiver(options);
    const result = await receiver.receive({
      method: request.method,
      headers: request.headers,
      // Lazy, so a wrong method or content type is answered without reading the body.
      rawBody: (limit) => readWebBody(request, limit),
    });
    return new Response(result.body, { status: result.status, headers: result.headers });
  };
}

export type * from '@vobiz-webhooks/core';
