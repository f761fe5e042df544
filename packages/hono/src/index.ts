// Hono runs on Node, Bun, Deno and Workers, so this imports nothing from `node:`: under the
// `worker`/`workerd` export conditions `@vobiz-webhooks/core` resolves to its Web Crypto build.
import type { Context, Handler, MiddlewareHandler } from 'hono';
import {
  VobizWebhookError,
  createMetaReceiver,
  createReceiver,
  readWebBody,
  type MetaWebhookOptions,
  type RawBody,
  type ReceiveResult,
  type Receiver,
  type VobizEvent,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';

/** What the middleware puts on the context for what runs after it: `c.get('vobizEvent')`. */
export interface VobizVariables {
  /** The verified event (for a Meta body of several items, the first). */
  vobizEvent: VobizEvent;
  /** Every event of the delivery: one, or for Meta one per item. */
  vobizEvents: readonly VobizEvent[];
}

export type VobizHandler = Handler;
export type VobizMiddleware = MiddlewareHandler<{ Variables: VobizVariables }>;

const FIX =
  'Mount vobizWebhook() (or metaWebhook()) before any middleware that parses the body, or have that middleware read it with ' +
  'c.req.arrayBuffer() or c.req.text(), which Hono caches, instead of c.req.raw or c.req.parseBody().';

/**
 * A body the server has already bounded: a plain decimal `Content-Length` within the limit, and no
 * `Transfer-Encoding` (which would make the length a claim rather than a frame). An HTTP server's
 * parser (Node's under @hono/node-server, Bun's, Deno's, workerd's) ends the body at the declared
 * length, so reading it whole cannot buffer more than the limit. A Request built in code with a
 * smaller Content-Length than its body has no parser in between: it is read whole, and the receiver
 * still refuses it 413 when it is over the limit (packages/hono/test/body.test.ts).
 */
function boundedByContentLength(headers: Headers, limit: number): boolean {
  const declared = headers.get('content-length');
  return (
    declared !== null && /^\d{1,15}$/.test(declared) && Number(declared) <= limit && !headers.has('transfer-encoding')
  );
}

/**
 * The raw bytes, read through Hono's body cache so that `c.req.json()` / `c.req.text()` still work
 * afterwards. A body whose length the server bounds is read with `c.req.arrayBuffer()`: on
 * @hono/node-server that reads the IncomingMessage directly, where touching `c.req.raw.body` would
 * first build a whole undici Request around a web stream (bench/RESULTS.md, configs 10 and 10h).
 * Any other body (no or an unparsable Content-Length, chunked) is streamed by `readWebBody`, which
 * stops at the limit: `c.req.arrayBuffer()` has none, and an endless body would be buffered whole.
 */
function rawBodyOf(c: Context, read: { streamed: boolean }): (limit: number) => Promise<RawBody> {
  return async (limit) => {
    // Hono types the cache by value, but it holds the promises its readers return.
    const cache = c.req.bodyCache as unknown as {
      [key: string]: unknown;
      arrayBuffer?: Promise<ArrayBuffer>;
      text?: Promise<string>;
    };
    // An earlier reader's exact bytes, or its text (json() caches text), as Express uses a string req.body.
    if (cache.arrayBuffer) return new Uint8Array(await cache.arrayBuffer);
    if (cache.text) return cache.text;
    if (c.req.raw.bodyUsed || Object.keys(cache).length > 0) {
      throw new VobizWebhookError('raw_body_unavailable', `The request body was already read. ${FIX}`);
    }
    // Hono caches this promise itself. A failed read (a client gone mid-body) rejects it, and the
    // receiver answers 400 body_unreadable; over HTTP, bytes past the declared length are the next request.
    if (boundedByContentLength(c.req.raw.headers, limit)) return new Uint8Array(await c.req.arrayBuffer());
    read.streamed = true;
    const reading = readWebBody(c.req.raw, limit);
    const cached = reading.then((bytes) => bytes.slice().buffer as ArrayBuffer);
    // A failed read is answered from `reading`; only a later reader of the cache should see it fail.
    cached.catch(() => undefined);
    cache.arrayBuffer = cached;
    return reading;
  };
}

/**
 * The answer. A body streamed and cut off at the limit (413) leaves the rest of it on the
 * connection: on @hono/node-server (its `env` holds Node's `incoming` request) the answer says
 * `Connection: close`, or a client would send its next request on a connection Node then ends.
 * Bun, Deno and Workers manage their connections themselves.
 */
function respond(c: Context, { result, streamed }: { result: ReceiveResult; streamed: boolean }): Response {
  const cutOff =
    streamed && result.status === 413 && typeof c.env === 'object' && c.env !== null && 'incoming' in c.env;
  const headers = cutOff ? { ...result.headers, connection: 'close' } : result.headers;
  return new Response(result.body, { status: result.status, headers });
}

// `url` (with its query) is read only by Meta's GET handshake.
async function receiveFrom(receiver: Receiver, c: Context): Promise<{ result: ReceiveResult; streamed: boolean }> {
  const read = { streamed: false };
  const rawBody = rawBodyOf(c, read);
  const result = await receiver.receive({ method: c.req.method, url: c.req.url, headers: c.req.raw.headers, rawBody });
  return { result, streamed: read.streamed };
}

function handlerOf(receiver: Receiver): VobizHandler {
  return async (c) => respond(c, await receiveFrom(receiver, c));
}

function middlewareOf(receiver: Receiver): VobizMiddleware {
  return async (c, next) => {
    if (!receiver.matchesPath(c.req.path)) return next();
    const received = await receiveFrom(receiver, c);
    const { result } = received;
    const response = respond(c, received);
    const { event, events } = result;
    if (result.status !== 200 || event === undefined || JSON.parse(result.body).duplicate) return response;
    c.set('vobizEvent', event);
    c.set('vobizEvents', events ?? [event]);
    await next();
    // Cleared first: Hono's setter would otherwise copy the later handler's headers onto this answer.
    c.res = undefined;
    c.res = response;
  };
}

/**
 * A Hono handler that answers every request reaching it: `app.post(path, vobizWebhook(o))`, or
 * `app.all(path, …)` to answer other methods with 405 and `Allow: POST` (`app.post` leaves them to
 * Hono's 404). `options.path` is not used; the route decides.
 */
export function vobizWebhook(options: VobizWebhookOptions): VobizHandler {
  return handlerOf(createReceiver(options));
}

/**
 * Middleware, `app.use(vobizMiddleware(o))`: answers `options.path` (the full path, default
 * `/webhooks/vobiz`; 405 there for other methods) and passes every other request on unread.
 * A delivery it handled runs what is mounted after it on that path, with the verified event in
 * `c.get('vobizEvent')` and the body still readable; Vobiz gets the receiver's answer whatever
 * that returns. Refusals and duplicates stop here: nothing later sees an unverified or repeated body.
 */
export function vobizMiddleware(options: VobizWebhookOptions): VobizMiddleware {
  return middlewareOf(createReceiver(options));
}

/**
 * Meta's Cloud API received directly, as a Hono handler answering every request reaching it:
 * `app.on(['GET', 'POST'], path, metaWebhook(o))` for the `GET` subscription handshake and the
 * signed `POST` deliveries (one event per item), or `app.all(path, …)` to answer other methods
 * with 405 and `Allow: GET, POST`. `options.path` is not used; the route decides.
 */
export function metaWebhook(options: MetaWebhookOptions): VobizHandler {
  return handlerOf(createMetaReceiver(options));
}

/**
 * `metaWebhook` as middleware, `app.use(metaMiddleware(o))`: answers the handshake and
 * deliveries on `options.path` (the full path, default `/webhooks/meta`; 405 there for other
 * methods) and passes every other request on unread. A delivery it handled runs what is
 * mounted after it on that path, with `c.get('vobizEvents')` (one per item) and
 * `c.get('vobizEvent')` (the first); Meta gets the receiver's answer whatever that returns.
 */
export function metaMiddleware(options: MetaWebhookOptions): VobizMiddleware {
  return middlewareOf(createMetaReceiver(options));
}

export type * from '@vobiz-webhooks/core';
