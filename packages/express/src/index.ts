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
  originalUrl?: string;
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

function middleware(receiver: Receiver, fix: string): VobizMiddleware {
  return (req, res, next) => {
    // Express sets `route` on matched routes (app.post(path, mw)): answer all of them.
    // Otherwise answer `options.path`, or the mount point itself: Express and Connect
    // shorten `url` to '/' at the path of app.use('/hooks', mw). Any other path is left
    // to next(), also under a prefix, where it belongs to the router's other routes
    // (api.use(mw); app.use('/api', api) must not answer for all of /api).
    // The path first: every read of `req` is slow under Express (see `consumed` in core/node).
    const url = req.url;
    const pathname = pathnameOf(url);
    const handles =
      receiver.matchesPath(pathname) ||
      req.route !== undefined ||
      (pathname === '/' && req.originalUrl !== undefined && req.originalUrl !== url);
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
}

export type * from '@vobiz-webhooks/core';
