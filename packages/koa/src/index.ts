import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createMetaReceiver,
  createReceiver,
  type MetaWebhookOptions,
  type Receiver,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';
import { nodeReceiveRequest } from '@vobiz-webhooks/core/node';

/**
 * The parts of a Koa context the middleware reads and writes. Structural, so Koa 2,
 * Koa 3 and @koa/router contexts all fit it without this package importing koa.
 */
export interface KoaContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** `false` when other code took the response over from Koa. */
  respond?: boolean;
  method: string;
  path: string;
  /** What a body parser mounted earlier left (@koa/bodyparser, koa-bodyparser). */
  request: { body?: unknown; rawBody?: unknown };
  status: number;
  body: unknown;
  set(fields: Record<string, string>): void;
  /** Set by @koa/router on a matched route. */
  _matchedRoute?: unknown;
  /** Set by koa-mount under a mount path. */
  mountPath?: unknown;
}

export type VobizKoaMiddleware = (ctx: KoaContext, next: () => Promise<unknown>) => Promise<void>;

/** The `raw_body_unavailable` answer's fix, naming the function the app called. */
const fixFor = (name: string): string =>
  `Mount ${name}() before the body parser (or exclude its path from the parser), ` +
  'or use @koa/bodyparser or koa-bodyparser, which keep the raw text in ctx.request.rawBody.';

/**
 * Koa 2/3 middleware. On a route (`router.post(path, mw)`, koa-mount) it answers every
 * request that reaches it; at the root (`app.use(mw)`) only requests to `options.path`,
 * awaiting `next()` for the rest. Refusals are answers, never throws, so an upstream
 * error handler sees no exception for a forged or duplicate delivery.
 */
export function vobizWebhook(options: VobizWebhookOptions): VobizKoaMiddleware {
  return middleware(createReceiver(options), fixFor('vobizWebhook'));
}

/**
 * The same middleware for Meta's WhatsApp Cloud API received directly (default path
 * `/webhooks/meta`). It answers Meta's `GET` subscription handshake as well as the `POST`
 * deliveries, so on @koa/router mount it for both methods: `router.all(path, mw)`, or
 * `router.get(path, mw)` and `router.post(path, mw)`.
 */
export function metaWebhook(options: MetaWebhookOptions): VobizKoaMiddleware {
  return middleware(createMetaReceiver(options), fixFor('metaWebhook'));
}

function middleware(receiver: Receiver, fix: string): VobizKoaMiddleware {
  return async (ctx, next) => {
    // @koa/router sets `_matchedRoute` before running a route's middleware; koa-mount sets
    // `mountPath` (and strips `ctx.path`). Neither is set when the app itself runs us.
    const atRoot = ctx._matchedRoute === undefined && ctx.mountPath === undefined;
    if (atRoot && !receiver.matchesPath(ctx.path)) {
      await next();
      return;
    }
    // `ctx.req.url` is the request target with its query (koa-mount strips only the path
    // prefix), which Meta's handshake reads.
    const result = await receiver.receive(nodeReceiveRequest(ctx.req, ctx.request, fix));
    // Answered meanwhile (a response timeout) or taken over from Koa: the response is not
    // ours. Koa would drop a late status and headers, but keep a late body on ctx, and
    // with `respond = false` the headers would go to the other writer's response.
    if (ctx.respond === false || ctx.res.headersSent) return;
    ctx.status = result.status;
    // Headers first: Koa only infers a content type for a string body when none is set.
    ctx.set(result.headers);
    ctx.body = result.body;
  };
}

export type * from '@vobiz-webhooks/core';
