// The App Router entry: the Fetch API route handlers of `@vobiz-webhooks/web`, plus what only
// Next.js needs. It runs in both route runtimes, so it imports nothing from `node:`.
import { metaRouteHandler, vobizRouteHandler, type VobizFetchHandler } from '@vobiz-webhooks/web';
import type { MetaWebhookOptions, VobizWebhookOptions } from '@vobiz-webhooks/core';
import { duringNextBuild } from './build-phase';

/** A Next.js App Router route handler (`export const POST = …`), or any Fetch API handler. */
export type VobizRouteHandler = VobizFetchHandler;

/** The route handlers of `metaWebhook`: `export const { GET, POST } = metaWebhook(options)`. */
export interface MetaRouteHandlers {
  /** Meta's subscription handshake (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`). */
  GET: VobizRouteHandler;
  /** Signed deliveries (`X-Hub-Signature-256`). */
  POST: VobizRouteHandler;
}

/** Built now, or during `next build` on the first request (see `duringNextBuild`). */
function routeHandler<Options>(build: (options: Options) => VobizRouteHandler, options: Options): VobizRouteHandler {
  if (!duringNextBuild()) return build(options);
  let handler: VobizRouteHandler | undefined;
  // Async, so options that fail on the first request reject it instead of throwing.
  return async (request) => (handler ??= build(options))(request);
}

/**
 * `export const POST = vobizWebhook({ secret, on })` in `app/…/route.ts`, on the
 * Node.js or the Edge runtime. The route file decides the path, so `options.path`
 * is not used. Pass the untouched `Request`: the signature is over its exact bytes.
 */
export function vobizWebhook(options: VobizWebhookOptions): VobizRouteHandler {
  return routeHandler<VobizWebhookOptions>(vobizRouteHandler, options);
}

/**
 * `export const { GET, POST } = metaWebhook({ appSecret, verifyToken, on })` in
 * `app/…/route.ts`, for Meta's WhatsApp Cloud API received directly: `GET` answers
 * the subscription handshake, `POST` the signed deliveries, one event per item. The
 * route file decides the path, so `options.path` is not used.
 */
export function metaWebhook(options: MetaWebhookOptions): MetaRouteHandlers {
  const handler = routeHandler<MetaWebhookOptions>(metaRouteHandler, options);
  return { GET: handler, POST: handler };
}

export type * from '@vobiz-webhooks/core';
