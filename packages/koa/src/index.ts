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
  respond?: boolean | undefined;
  method: string;
  path: string;
  /** What a body parser mounted earlier left (@koa/bodyparser, koa-bodyparser). */
  request: { body?: unknown; rawBody?: unknown };
  status: number;
  body: unknown;
  set(fields: Record<string, string>): void;
  /** Set by @koa/router on a matched route, and left set after the route calls `next()`. */
  _matchedRoute?: unknown;
  /** Set by @koa/router: the layers whose path matched. */
  matched?: unknown;
  /** Set by koa-mount under a mount path. */
  mountPath?: unknown;
  /** The app, whose own middleware (`app.use(mw)`) is in `app.middleware`. */
  app?: { middleware?: unknown } | undefined;
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

/** A layer of @koa/router: its middleware, and its methods (none for `router.use`). */
interface RouterLayer {
  stack?: unknown;
  methods?: unknown;
}

const itemsOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
/** Whether `layer` runs `handle`, on a route (it has methods) or as `router.use` (it has none). */
const runs = (layer: unknown, handle: unknown, onRoute: boolean): boolean => {
  const { stack, methods } = (layer ?? {}) as RouterLayer;
  return (
    itemsOf(stack).includes(handle) && Array.isArray(methods) && (onRoute ? methods.length > 0 : methods.length === 0)
  );
};

/**
 * Whether `handle` is mounted as middleware, not on a route, in `app` (`ctx.app`): one of
 * the app's own (`app.use(mw)`), or `router.use(mw)` in a router the app runs (@koa/router
 * marks its dispatch function with its `router`). Not inside koa-compose or a mounted app.
 */
function isMiddlewareOf(app: unknown, handle: unknown): boolean {
  return itemsOf((app as { middleware?: unknown } | undefined)?.middleware).some((fn) => {
    if (fn === handle) return true;
    const router = (fn as { router?: { stack?: unknown } } | null)?.router;
    return itemsOf(router?.stack).some((layer) => runs(layer, handle, false));
  });
}

function middleware(receiver: Receiver, fix: string): VobizKoaMiddleware {
  /**
   * Whether a route is running this middleware, so that it answers whatever reaches it.
   * @koa/router sets `_matchedRoute` before running a route's middleware and leaves it set
   * after the route calls `next()`: a route matched earlier (`router.all('/users', auth)`)
   * says nothing where the middleware is mounted as middleware. Only where a function of
   * the app's on a route calls it is `_matchedRoute` the only sign there is.
   */
  const onRoute = (ctx: KoaContext): boolean => {
    if (ctx._matchedRoute === undefined) return false;
    if (itemsOf(ctx.matched).some((layer) => runs(layer, handle, true))) return true;
    return !isMiddlewareOf(ctx.app, handle);
  };
  const handle: VobizKoaMiddleware = async (ctx, next) => {
    // Its path, on a route, or under koa-mount, which strips `ctx.path` and runs it only
    // below the mount path: there it answers every request that reaches it.
    const handles = receiver.matchesPath(ctx.path) || ctx.mountPath !== undefined || onRoute(ctx);
    if (!handles) {
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
  return handle;
}

export type * from '@vobiz-webhooks/core';
