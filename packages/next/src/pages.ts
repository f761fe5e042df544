// The Pages Router entry, separate from `./index` so the App Router entry stays free
// of `node:` imports for the Edge runtime.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createMetaReceiver,
  createReceiver,
  type MetaWebhookOptions,
  type Receiver,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';
import { nodeReceiveRequest, sendNodeResult } from '@vobiz-webhooks/core/node';
import { duringNextBuild } from './build-phase';

/** The parts of a `NextApiRequest` the handler reads; Next's own type fits it. */
export interface PagesApiRequest extends IncomingMessage {
  /** Set by Next's body parser, which must be off for this route. */
  body?: unknown;
}

export type VobizPagesHandler = (req: PagesApiRequest, res: ServerResponse) => Promise<void>;

/** The exact line a `pages/api/*` route needs; quoted in the `raw_body_unavailable` answer. */
export const PAGES_CONFIG_FIX = 'export const config = { api: { bodyParser: false } }';

const FIX =
  `Turn Next's body parser off for this route: add \`${PAGES_CONFIG_FIX}\` to the file in pages/api ` +
  'that exports the handler.';

/** The API route over a receiver, built now, or during `next build` on the first request. */
function pagesHandler<Options>(create: (options: Options) => Receiver, options: Options): VobizPagesHandler {
  let receiver = duringNextBuild() ? undefined : create(options);
  return async (req, res) => {
    receiver ??= create(options);
    // `req.url` keeps the query string, which Meta's handshake reads.
    const result = await receiver.receive(nodeReceiveRequest(req, req, FIX));
    sendNodeResult(res, result);
  };
}

/**
 * `export default vobizWebhook({ secret, on })` in `pages/api/…`, together with
 * `export const config = { api: { bodyParser: false } }`: Next's parser would
 * consume the stream and leave only parsed JSON, whose bytes no longer match the
 * signature. The file decides the path, so `options.path` is not used.
 */
export function vobizWebhook(options: VobizWebhookOptions): VobizPagesHandler {
  return pagesHandler(createReceiver, options);
}

/**
 * `export default metaWebhook({ appSecret, verifyToken, on })` in `pages/api/…`, with the
 * same `config` line: Meta's `GET` subscription handshake and its signed `POST`
 * deliveries, one event per item. The file decides the path.
 */
export function metaWebhook(options: MetaWebhookOptions): VobizPagesHandler {
  return pagesHandler(createMetaReceiver, options);
}

export type * from '@vobiz-webhooks/core';
