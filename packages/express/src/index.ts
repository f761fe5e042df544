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

/** A layer of an Express router: its function, and the route it belongs to (`app.post(path, …)`). */
interface Layer {
  handle?: unknown;
  route?: { stack?: unknown };
}

const layersOf = (stack: unknown): (Layer | null)[] => (Array.isArray(stack) ? (stack as (Layer | null)[]) : []);

/** Whether `route` (`req.route`) runs `handle` itself: `app.post(path, mw)`, `app.route(path).post(mw)`. */
const runsOnRoute = (route: unknown, handle: unknown): boolean =>
  layersOf((route as { stack?: unknown }).stack).some((layer) => layer?.handle === handle);

/**
 * Whether `handle` is mounted as middleware, not on a route, anywhere in the routers of `app`
 * (`req.app`): `app.use(mw)`, `app.use('/hooks', mw)`, `router.use(mw)` in a router the app
 * mounts. Not when a function of the app's calls it (as NestJS's middleware does).
 */
function isMiddlewareOf(app: object, handle: unknown): boolean {
  let stack: unknown;
  try {
    // Express 4 keeps its router in `_router` (its `router` getter throws); Express 5 in `router`.
    const routers = app as { _router?: { stack?: unknown }; router?: { stack?: unknown } };
    stack = (routers._router ?? routers.router)?.stack;
  } catch {
    return false;
  }
  const searched = new Set<unknown>();
  const search = (layers: unknown): boolean =>
    layersOf(layers).some((layer) => {
      if (layer === null || layer.route !== undefined) return false;
      if (layer.handle === handle) return true;
      // A router's function carries its own stack.
      const inner = (layer.handle as { stack?: unknown } | undefined)?.stack;
      if (inner === undefined || searched.has(inner)) return false;
      searched.add(inner);
      return search(inner);
    });
  return search(stack);
}

function middleware(receiver: Receiver, fix: string): VobizMiddleware {
  // Where it is mounted does not change once it is: a positive answer is kept per app.
  const mountedIn = new WeakSet<object>();
  /**
   * Whether a route is running this middleware, so that it answers whatever reaches it.
   * Express sets `req.route` while a route runs, and leaves it set after the route calls
   * `next()`: a route matched earlier (`app.all('/api/users', auth)`) says nothing where the
   * middleware is mounted as middleware. Only where it is called by a function of the app's
   * on a route is `req.route` the only sign there is.
   */
  const onRoute = (req: NodeRequest): boolean => {
    if (req.route === undefined || req.route === null) return false;
    if (runsOnRoute(req.route, handle)) return true;
    const { app } = req as { app?: unknown };
    if (typeof app !== 'function' && (typeof app !== 'object' || app === null)) return true;
    if (mountedIn.has(app)) return false;
    if (!isMiddlewareOf(app, handle)) return true;
    mountedIn.add(app);
    return false;
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
