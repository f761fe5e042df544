import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import { VobizWebhookError } from '../errors';
import type { RawBody, ReceiveRequest, ReceiveResult } from '../receiver';

/** What an earlier body parser may have left: `req.body` / `req.rawBody` (Express), `ctx.request.*` (Koa). */
export interface ParsedLeftovers {
  body?: unknown;
  rawBody?: unknown;
}

const isBytes = (value: unknown): value is RawBody => typeof value === 'string' || value instanceof Uint8Array;

/**
 * Whether something already consumed the stream: every body parser reads it to the end
 * before calling `next()` (Express 4's `req._body` flag adds nothing to that), and a
 * parsed object means a parser ran.
 *
 * Few reads of `req` on purpose. Express 5 gives each request object a hidden class of
 * its own (`Object.setPrototypeOf` per request), so every distinct property read on it
 * misses V8's caches and walks the prototype chain in the runtime: about 2,700
 * instructions each, measured with callgrind (bench/RESULTS.md, "Fourth round").
 */
function consumed(req: IncomingMessage, body: unknown): boolean {
  if (req.readableEnded) return true;
  return typeof body === 'object' && body !== null && Object.keys(body).length > 0;
}

/**
 * The raw bytes of a Node request, for `ReceiveRequest.rawBody`: what an earlier parser
 * kept (a Buffer or string body, or `rawBody`), else the stream itself, read with the
 * limit. Parsed JSON is never re-serialized (that silently breaks the HMAC): when only
 * a parsed object is left, it fails with `raw_body_unavailable` and `fix` in the message.
 */
export function nodeRawBody(
  req: IncomingMessage,
  leftovers: ParsedLeftovers,
  fix: string,
): (limit: number) => Promise<RawBody> {
  // Not an async function: raw-body's own promise is handed on, one promise per body.
  return (limit) => {
    const { rawBody, body } = leftovers;
    if (isBytes(rawBody)) return Promise.resolve(rawBody);
    if (isBytes(body)) return Promise.resolve(body);
    if (consumed(req, body)) {
      return Promise.reject(
        new VobizWebhookError(
          'raw_body_unavailable',
          'A body parser consumed the request before the webhook middleware and kept no raw bytes, so the signature cannot be ' +
            `checked. ${fix}`,
        ),
      );
    }
    return getRawBody(req, { limit, length: req.headers['content-length'] ?? null }).then(undefined, (error: unknown) =>
      readFailed(error, limit),
    );
  };
}

/**
 * raw-body's failures as refusals. Only the size and a stream someone decoded to text are
 * the server's business; anything else (`request.aborted`, `request.size.invalid`, a
 * stream `error` with no `type`) means the bytes never arrived whole, which is no
 * statement about the JSON, so it is `body_unreadable` and the sender's retry fixes it.
 *
 * No `encoding` option is passed, so raw-body's `encoding.unsupported` cannot occur. raw-body
 * does not look at Content-Encoding either (inflating is body-parser's job): a gzip body
 * is handed on as the bytes sent, as `readWebBody` does, and fails the signature check
 * rather than being decoded here into bytes the sender may not have signed.
 */
function readFailed(error: unknown, limit: number): never {
  const { type, code } = (error ?? {}) as { type?: unknown; code?: unknown };
  if (type === 'entity.too.large') {
    throw new VobizWebhookError('payload_too_large', `The body is larger than maxBodyBytes (${limit} bytes).`);
  }
  if (type === 'stream.encoding.set') {
    // Every delivery fails the same way until the app changes: a 500 for the operator, not a 400 for the sender.
    throw new VobizWebhookError(
      'raw_body_unavailable',
      'req.setEncoding() was called before the webhook middleware, so the stream yields text, not the exact bytes the signature ' +
        'is over. Remove that call for the webhook route.',
      { cause: error },
    );
  }
  const reason = typeof type === 'string' ? type : typeof code === 'string' ? code : 'stream error';
  const message = `The request body could not be read completely (${reason}); the sender retries.`;
  throw new VobizWebhookError('body_unreadable', message, { cause: error });
}

/**
 * What every Node adapter hands the receiver: the request's method and headers, and its
 * raw bytes read lazily through `nodeRawBody` (so an unwanted request is answered unread).
 */
export function nodeReceiveRequest(req: IncomingMessage, leftovers: ParsedLeftovers, fix: string): ReceiveRequest {
  return { method: req.method, url: req.url, headers: req.headers, rawBody: nodeRawBody(req, leftovers, fix) };
}

/**
 * Writes a receiver result to a Node response (Express, Connect, Next.js Pages, plain http),
 * unless the response was already answered, ended or closed: then the result is dropped.
 */
export function sendNodeResult(res: ServerResponse, result: ReceiveResult): void {
  // Something answered first (a response timeout, an error handler) or the client left:
  // a second writeHead throws ERR_HTTP_HEADERS_SENT, and the sender already has its answer.
  // `writableEnded` too: Next.js's mocked responses can be ended with `headersSent` still false.
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  // One writeHead call: headers an earlier middleware set are kept, as with setHeader.
  res.writeHead(result.status, result.headers).end(result.body);
}

/** The path part of a request URL, without the query string. */
export function pathnameOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
