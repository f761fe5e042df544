import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReceiver, type VobizWebhookOptions } from '@vobiz-webhooks/core';
import { nodeRawBody, pathnameOf, sendNodeResult } from '@vobiz-webhooks/core/node';

/** The parts of an Express/Connect request the middleware reads; Express's own types fit it. */
export interface NodeRequest extends IncomingMessage {
  body?: unknown;
  rawBody?: unknown;
  originalUrl?: string;
  route?: unknown;
}

export type VobizMiddleware = (req: NodeRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

const FIX =
  'Mount vobizWebhook() before express.json() (or exclude its path from the parser), ' +
  'or keep the raw bytes with express.json({ verify: (req, _res, buf) => { req.rawBody = buf } }).';

/**
 * Express 4/5 and Connect middleware. On a route (`app.post(path, mw)`,
 * `app.use('/prefix', mw)`) it answers every request that reaches it; at the root
 * (`app.use(mw)`) only requests to `options.path`, passing the rest to `next()`.
 */
export function vobizWebhook(options: VobizWebhookOptions): VobizMiddleware {
  const receiver = createReceiver(options);
  return (req, res, next) => {
    // At the root nothing has matched or stripped a path: Express sets `route` on
    // matched routes, and both Express and Connect shorten `url` under a mount path.
    const atRoot = req.route === undefined && (req.originalUrl === undefined || req.originalUrl === req.url);
    if (atRoot && !receiver.matchesPath(pathnameOf(req.url))) {
      next();
      return;
    }
    receiver
      .receive({ method: req.method, headers: req.headers, rawBody: nodeRawBody(req, req, FIX) })
      .then((result) => sendNodeResult(res, result), next);
  };
}

export type * from '@vobiz-webhooks/core';
