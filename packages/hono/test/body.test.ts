import { connect } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { VobizEvent, VobizWebhookOptions } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizMiddleware, vobizWebhook, type VobizVariables } from '@vobiz-webhooks/hono';
import { eventually, listen, type Listening } from '@vobiz-webhooks/test-suites';

// How the adapter reads the body: a Content-Length within maxBodyBytes is read through
// c.req.arrayBuffer(), anything else streamed to the limit by readWebBody. These hold either way,
// over real HTTP through @hono/node-server and through app.request (the Fetch entry of Bun, Deno and Workers).
const SECRET = 'whsec_hono_body_test';
const PATH = '/webhooks/vobiz';
const LIMIT = 4096;

interface Recorded {
  seen: VobizEvent[];
  warnings: string[];
}

function options(recorded: Recorded): VobizWebhookOptions {
  return {
    secret: SECRET,
    maxBodyBytes: LIMIT,
    logger: { warn: (line: unknown) => void recorded.warnings.push(String(line)), error: () => undefined },
    on: { '*': (event) => void recorded.seen.push(event) },
  };
}

/** `app.all(PATH, vobizWebhook)`, and `vobizMiddleware` with a later handler that reads the body all three ways. */
function apps() {
  const recorded: Recorded = { seen: [], warnings: [] };
  const later: unknown[] = [];
  const handler = new Hono().all(PATH, vobizWebhook(options(recorded)));
  const middleware = new Hono<{ Variables: VobizVariables }>();
  middleware.use(vobizMiddleware(options(recorded)));
  middleware.post(PATH, async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    later.push(await c.req.text(), await c.req.json(), new TextDecoder().decode(bytes));
    return c.body(null, 204);
  });
  return { handler, middleware, recorded, later };
}

/**
 * Writes `bytes` on one connection and collects what the server answers, until `answers`
 * responses have begun (and 50 ms more for their bodies) or, with `answers: 0`, until 50 ms
 * after writing, when the client leaves. The connection stays open till then: a client's
 * half-close makes Node's server end the socket, racing the answers.
 */
function rawExchange(port: number, bytes: string, answers: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let leaving: ReturnType<typeof setTimeout> | undefined;
    const leave = () => (leaving ??= setTimeout(() => socket.destroy(), 50));
    const deadline = setTimeout(() => socket.destroy(), 5_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (answers > 0 && statusesIn(received).length >= answers) leave();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(deadline);
      clearTimeout(leaving);
      resolve(received);
    });
    socket.write(bytes, () => {
      if (answers === 0) leave();
    });
  });
}

const statusesIn = (raw: string) => [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));

const headOf = (headers: Record<string, string>, contentLength: number | undefined) =>
  `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
  (contentLength === undefined ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${contentLength}\r\n`) +
  Object.entries(headers)
    .filter(([name]) => name !== 'content-type')
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('') +
  '\r\n';

describe('over real HTTP on @hono/node-server', () => {
  let server: Listening;
  let middlewareServer: Listening;
  let app: ReturnType<typeof apps>;
  beforeEach(async () => {
    app = apps();
    server = await listen(getRequestListener(app.handler.fetch));
    middlewareServer = await listen(getRequestListener(app.middleware.fetch));
  });
  afterEach(async () => {
    await server.close();
    await middlewareServer.close();
  });
  const portOf = (listening: Listening) => Number(new URL(listening.origin).port);

  it('the middleware form leaves the body readable to what runs after it: arrayBuffer, text and json', async () => {
    const event = createTestEvent('message.inbound');
    const { body, headers } = signedRequest(event, SECRET);
    const answer = await fetch(`${middlewareServer.origin}${PATH}`, { method: 'POST', headers, body });
    expect([answer.status, await answer.json()]).toEqual([200, { ok: true }]);
    expect(app.later).toEqual([body, event, body]);
  });

  it('a Content-Length shorter than what is sent: exactly the declared bytes are the body', async () => {
    // The signed delivery, then more than maxBodyBytes that the parser reads as the next request, not as this body.
    const event = createTestEvent('message.inbound');
    const { body, headers } = signedRequest(event, SECRET);
    const next = headOf(headers, LIMIT * 2) + 'x'.repeat(LIMIT * 2);
    const raw = await rawExchange(portOf(server), headOf(headers, Buffer.byteLength(body)) + body + next, 2);
    expect(statusesIn(raw)).toEqual([200, 413]);
    expect(app.recorded.seen.map((e) => e.event_id)).toEqual([event.event_id]);

    // Signed over everything sent, declared short: the receiver verifies the declared bytes only.
    const get = `GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    const whole = signedRequest(body + get, SECRET);
    const cut = await rawExchange(portOf(server), headOf(whole.headers, Buffer.byteLength(body)) + whole.body, 2);
    expect(statusesIn(cut)).toEqual([401, 405]);
    expect(app.recorded.seen).toHaveLength(1);
  });

  it('a Content-Length longer than what is sent: 400 body_unreadable, nothing handled, the server keeps serving', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    await rawExchange(portOf(server), headOf(headers, Buffer.byteLength(body) + 100) + body, 0);
    await eventually(() => expect(app.recorded.warnings).toEqual([expect.stringContaining('400 body_unreadable')]));
    expect(app.recorded.seen).toEqual([]);

    const next = signedRequest(createTestEvent('message.inbound'), SECRET);
    expect((await fetch(`${server.origin}${PATH}`, { method: 'POST', ...next })).status).toBe(200);
  });

  it('a chunked body past maxBodyBytes, with no Content-Length, is 413 without waiting for its end', async () => {
    // No last chunk: the body never ends, so only a read that stops at the limit can answer.
    const { headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const chunk = 'x'.repeat(1024);
    const chunks = Array.from({ length: 8 }, () => `400\r\n${chunk}\r\n`).join('');
    const raw = await rawExchange(portOf(server), headOf(headers, undefined) + chunks, 1);
    expect(statusesIn(raw)[0]).toBe(413);
    expect(raw).toContain('payload_too_large');
  });

  it('a streamed body cut off at the limit closes its connection, so the next request goes on a fresh one', async () => {
    // fetch keeps one pool of connections: what follows the 413 would go on the same one.
    const big = new TextEncoder().encode('x'.repeat(LIMIT * 4));
    const body = new ReadableStream({ start: (controller) => (controller.enqueue(big), controller.close()) });
    const { headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const init = { method: 'POST', headers, body, duplex: 'half' } as RequestInit;
    const refused = await fetch(`${server.origin}${PATH}`, init);
    expect([refused.status, refused.headers.get('connection')]).toEqual([413, 'close']);
    await refused.text();
    const next = signedRequest(createTestEvent('message.inbound'), SECRET);
    expect((await fetch(`${server.origin}${PATH}`, { method: 'POST', ...next })).status).toBe(200);
    expect(
      (
        await fetch(`${server.origin}${PATH}`, {
          method: 'POST',
          ...signedRequest(createTestEvent('message.status'), SECRET),
        })
      ).status,
    ).toBe(200);
  });

  it('a declared Content-Length over maxBodyBytes is 413 before any of the body is read', async () => {
    const { headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const raw = await rawExchange(portOf(server), headOf(headers, LIMIT + 1), 1);
    expect(statusesIn(raw)[0]).toBe(413);
  });
});

describe('through app.request, the Fetch entry', () => {
  const post = (target: Hono<any>, body: BodyInit, headers: Record<string, string>) =>
    target.request(`http://localhost${PATH}`, { method: 'POST', headers, body });

  it('with a Content-Length: 200, and a later middleware still reads the body', async () => {
    const app = apps();
    const event = createTestEvent('message.status');
    const { body, headers } = signedRequest(event, SECRET);
    const withLength = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    expect((await post(app.handler, body, withLength)).status).toBe(200);
    expect((await post(app.middleware, body, withLength)).status).toBe(200);
    expect(app.later).toEqual([body, event, body]);
  });

  it('a Content-Length that understates a body over maxBodyBytes is still 413', async () => {
    const app = apps();
    const { headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const answer = await post(app.handler, 'x'.repeat(LIMIT * 2), { ...headers, 'content-length': '10' });
    expect(answer.status).toBe(413);
    expect(((await answer.json()) as any).error.code).toBe('payload_too_large');
  });

  it('a Content-Length that overstates the body: the bytes sent are verified, as without one', async () => {
    const app = apps();
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const declared = String(Buffer.byteLength(body) + 100);
    expect((await post(app.handler, body, { ...headers, 'content-length': declared })).status).toBe(200);
    expect(app.recorded.seen).toHaveLength(1);
  });

  it('a stream that fails mid-body is 400 body_unreadable, with or without a Content-Length', async () => {
    const app = apps();
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const failing = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(body.slice(0, 20)));
          controller.error(new Error('connection reset'));
        },
      });
    for (const extra of [{}, { 'content-length': String(Buffer.byteLength(body)) }]) {
      const answer = await app.handler.request(`http://localhost${PATH}`, {
        method: 'POST',
        headers: { ...headers, ...extra },
        body: failing(),
        duplex: 'half',
      } as RequestInit);
      expect([answer.status, ((await answer.json()) as any).error.code]).toEqual([400, 'body_unreadable']);
    }
    expect(app.recorded.seen).toEqual([]);
  });
});
