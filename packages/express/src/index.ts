import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createMetaReceiver,
  createReceiver,
  type MetaWebhookOptions,
  type Receiver,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';
import { nodeReceiveRequest, pathnameOf, sendNodeResult } from '@vobiz-webhooks/core/node';

/** The parts of an Express/Connect request the middleware reads; Express's own types fit it. */
export interface NodeRequest extends IncomingMessage {
  body?: unknown;
  rawBody?: unknown;
  originalUrl?: string | undefined;
  /** The route Express matched last: set when a route runs, and left set when it calls `next()`. */
  route?: unknown;
}

export type VobizMiddleware = (req: NodeRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The `raw_body_unavailable` answer's fix, naming the function the app called. */
const fixFor = (name: string): string =>
  `Mount ${name}() before express.json() (or exclude its path from the parser), ` +
  'or keep the raw bytes with express.json({ verify: (req, _res, buf) => { req.rawBody = buf } }); ' +
  'on NestJS, create the app with NestFactory.create(AppModule, { rawBody: true }).';

/**
 * Express 4/5 and Connect middleware. On a route (`app.post(path, mw)`,
 * `app.use('/prefix', mw)`) it answers every request that reaches it; at the root
 * (`app.use(mw)`) only requests to `options.path`, passing the rest to `next()`.
 */
export function vobizWebhook(options: VobizWebhookOptions): VobizMiddleware {
  return middleware(createReceiver(options), fixFor('vobizWebhook'));
}

/**
 * The same middleware for Meta's WhatsApp Cloud API received directly (default path
 * `/webhooks/meta`). It answers Meta's `GET` subscription handshake as well as the `POST`
 * deliveries, so on a route mount it for both methods: `app.all(path, mw)` or
 * `app.use(path, mw)`, not `app.post`.
 */
export function metaWebhook(options: MetaWebhookOptions): VobizMiddleware {
  return middleware(createMetaReceiver(options), fixFor('metaWebhook'));
}

/**
 * Whether `handle` is one of the app's own middleware (`app.use(mw)`, `app.use('/hooks', mw)`),
 * read from the router of `app` (`req.app`): not on a route, in a router of its own, or
 * called by a function of the app's (as NestJS's middleware is).
 */
function isAppMiddleware(app: object, handle: unknown): boolean {
  try {
    // Express 4 keeps its router in `_router` (its `router` getter throws); Express 5 in `router`.
    const routers = app as { _router?: { stack?: unknown }; router?: { stack?: unknown } };
    const stack = (routers._router ?? routers.router)?.stack;
    return (
      Array.isArray(stack) &&
      stack.some(
        (layer: { handle?: unknown; route?: unknown } | null) =>
          layer !== null && layer.handle === handle && layer.route === undefined,
      )
    );
  } catch {
    return false;
  }
}

function middleware(receiver: Receiver, fix: string): VobizMiddleware {
  const appMiddleware = new WeakMap<object, boolean>();
  /**
   * Whether a route is running this middleware, so that it answers whatever reaches it.
   * Express sets `req.route` while a route runs, and leaves it set after the route calls
   * `next()`: for the app's own middleware a route matched earlier (`app.all('/api/*', auth)`)
   * says nothing. Elsewhere `req.route` is the only sign there is, since a function of the
   * app's on a route may be what calls it. Where it sits is read once per app.
   */
  const onRoute = (req: NodeRequest): boolean => {
    if (req.route === undefined) return false;
    const { app } = req as { app?: unknown };
    if (typeof app !== 'function' && (typeof app !== 'object' || app === null)) return true;
    let own = appMiddleware.get(app);
    if (own === undefined) appMiddleware.set(app, (own = isAppMiddleware(app, handle)));
    return !own;
  };
  const handle: VobizMiddleware = (req, res, next) => {
    // On a route (app.post(path, mw)) it answers whatever the route sends it. Otherwise it
    // answers `options.path`, or the mount point itself: Express and Connect shorten `url`
    // to '/' at the path of app.use('/hooks', mw). Any other path is left to next(), also
    // under a prefix, where it belongs to the router's other routes (api.use(mw);
    // app.use('/api', api) must not answer for all of /api).
    // The path first: every read of `req` is slow under Express (see `consumed` in core/node).
    const url = req.url;
    const pathname = pathnameOf(url);
    const handles =
      receiver.matchesPath(pathname) ||
      (pathname === '/' && req.originalUrl !== undefined && req.originalUrl !== url) ||
      onRoute(req);
    if (!handles) {
      next();
      return;
    }
    // `req.url` keeps the query under a mount point too, for Meta's handshake (core/node passes it).
    receiver.receive(nodeReceiveRequest(req, req, fix)).then((result) => {
      // A throw here would be an unhandled rejection, which ends the process: Express gets it instead.
      try {
        sendNodeResult(res, result);
      } catch (error) {
        next(error);
      }
    }, next);
  };
  return handle;
}

export type * from '@vobiz-webhooks/core';
