// The App Router entry: the Fetch API route handler of `@vobiz-webhooks/web`, plus what only
// Next.js needs. It runs in both route runtimes, so it imports nothing from `node:`.
import { vobizRouteHandler, type VobizFetchHandler } from '@vobiz-webhooks/web';
import type { VobizWebhookOptions } from '@vobiz-webhooks/core';
import { duringNextBuild } from './build-phase';

/** A Next.js App Router route handler (`export const POST = …`), or any Fetch API handler. */
export type VobizRouteHandler = VobizFetchHandler;

/**
 * `export const POST = vobizWebhook({ secret, on })` in `app/…/route.ts`, on the
 * Node.js or the Edge runtime. The route file decides the path, so `options.path`
 * is not used. Pass the untouched `Request`: the signature is over its exact bytes.
 */
export function vobizWebhook(options: VobizWebhookOptions): VobizRouteHandler {
  if (!duringNextBuild()) return vobizRouteHandler(options);
  let handler: VobizRouteHandler | undefined;
  // Async, so options that fail on the first request reject it instead of throwing.
  return async (request) => (handler ??= vobizRouteHandler(options))(request);
}

export type * from '@vobiz-webhooks/core';
