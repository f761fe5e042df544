import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createReceiver, readWebBody, type ReceiveResult } from '@vobiz-webhooks/core';
import { nodeRawBody } from '@vobiz-webhooks/core/node';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { abortMidBody, eventually } from '@vobiz-webhooks/test-suites';

// A body that cannot be read to its end (the client left, the stream failed, fewer bytes
// than Content-Length arrived) is `400 body_unreadable`: the JSON was never seen, so
// `invalid_json` would send the operator looking at the payload, and an unknown error
// would be a 500 `handler_failed` for something no handler did.
const SECRET = 'whsec_body_unreadable';
const FIX = 'Pass the untouched request.';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stand-in request: a stream with the headers nodeRawBody reads. */
function streamRequest(headers: Record<string, string> = {}): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the read to fail');
    },
    (error: unknown) => error as { code?: string; status?: number; message: string; cause?: unknown },
  );

describe('nodeRawBody: streams that fail', () => {
  it('a stream error without a type is body_unreadable, with the error as its cause', async () => {
    const req = streamRequest();
    const reading = failure(nodeRawBody(req, {}, FIX)(1024));
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    req.write('{"event_id":');
    req.destroy(cause);
    const error = await reading;
    expect(error).toMatchObject({ code: 'body_unreadable', status: 400 });
    expect(error.message).toBe('The request body could not be read completely (ECONNRESET); the sender retries.');
    expect(error.cause).toBe(cause);
  });

  it('an error with neither type nor code is named a stream error', async () => {
    const req = streamRequest();
    const reading = failure(nodeRawBody(req, {}, FIX)(1024));
    req.destroy(new Error('boom'));
    const error = await reading;
    expect(error.code).toBe('body_unreadable');
    expect(error.message).toContain('(stream error)');
  });

  it('fewer bytes than Content-Length (request.size.invalid) is body_unreadable', async () => {
    const req = streamRequest({ 'content-length': '100' });
    const reading = failure(nodeRawBody(req, {}, FIX)(1024));
    req.end('{"short":true}');
    const error = await reading;
    expect(error).toMatchObject({ code: 'body_unreadable', status: 400 });
    expect(error.message).toContain('(request.size.invalid)');
  });

  it('an oversized body is still payload_too_large', async () => {
    const req = streamRequest();
    const reading = failure(nodeRawBody(req, {}, FIX)(8));
    req.end('0123456789abcdef');
    expect(await reading).toMatchObject({ code: 'payload_too_large', status: 413 });
  });

  it('a stream already decoded to text (req.setEncoding) is 500 raw_body_unavailable: the app, not the sender', async () => {
    const req = streamRequest();
    req.setEncoding('utf8');
    const error = await failure(nodeRawBody(req, {}, FIX)(1024));
    expect(error).toMatchObject({ code: 'raw_body_unavailable', status: 500 });
    expect(error.message).toContain('setEncoding');
  });

  it('a Content-Encoding is not decoded: the bytes as sent are what the signature is checked over', async () => {
    const gzipped = gzipSync('{"event_id":"x"}');
    const req = streamRequest({ 'content-encoding': 'gzip', 'content-length': String(gzipped.byteLength) });
    const reading = nodeRawBody(req, {}, FIX)(1024);
    req.end(gzipped);
    expect(Buffer.from(await reading)).toEqual(gzipped);
    const request = new Request('http://x/', {
      method: 'POST',
      headers: { 'content-encoding': 'gzip' },
      body: gzipped,
    });
    expect(Buffer.from(await readWebBody(request, 1024))).toEqual(gzipped);
  });
});

describe('a client that sends half its declared body and leaves (node:http)', () => {
  let server: Server;
  let port: number;
  const results: ReceiveResult[] = [];

  beforeAll(async () => {
    const receiver = createReceiver({ secret: SECRET, logger: false, on: { '*': () => undefined } });
    server = createServer(async (req, res) => {
      const result = await receiver.receive({
        method: req.method,
        headers: req.headers,
        rawBody: nodeRawBody(req, {}, FIX),
      });
      results.push(result);
      res.writeHead(result.status, result.headers).end(result.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is refused with 400 body_unreadable (request.aborted), not invalid_json', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    await abortMidBody(port, { body, headers });
    await eventually(() => expect(results.length).toBeGreaterThan(0));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 400, error: { code: 'body_unreadable' } });
    expect(results[0]?.error?.message).toContain('request.aborted');
    expect(results[0]?.error?.cause).toMatchObject({ type: 'request.aborted' });
  });
});

describe('readWebBody: body streams that fail', () => {
  const post = (body: ReadableStream<Uint8Array>) =>
    new Request('http://localhost/api/webhooks/vobiz', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/json' },
    } as RequestInit);

  it('a stream whose pull throws is body_unreadable, with the error as its cause', async () => {
    const cause = new TypeError('upstream went away');
    const stream = new ReadableStream<Uint8Array>({
      pull() {
        throw cause;
      },
    });
    const error = await failure(readWebBody(post(stream), 1024));
    expect(error).toMatchObject({ code: 'body_unreadable', status: 400 });
    expect(error.message).toBe('The request body could not be read completely (TypeError); the sender retries.');
    expect(error.cause).toBe(cause);
  });

  it('a stream errored after some bytes (a client abort) is body_unreadable', async () => {
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('{"event_id":'));
        await sleep(10);
        controller.error(new DOMException('The client aborted the request.', 'AbortError'));
      },
    });
    const error = await failure(readWebBody(post(stream), 1024));
    expect(error).toMatchObject({ code: 'body_unreadable', status: 400 });
    expect(error.message).toContain('(AbortError)');
  });

  it('an oversized stream is still payload_too_large', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(2048));
        controller.close();
      },
    });
    expect(await failure(readWebBody(post(stream), 1024))).toMatchObject({ code: 'payload_too_large', status: 413 });
  });
});
