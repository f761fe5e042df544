import { createServer, type Server } from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import express from 'express';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

// Slow clients: a body that trickles in, or stops, must not hold a socket, a buffer and a
// pending promise forever. The library keeps no timers on the request path (raw-body has
// none, Express and Koa add none): the bound is Node's own request timeout, which the app
// sets on its server (SECURITY.md, "Slow deliveries"). These tests pin that behaviour.
const SECRET = 'whsec_slow_client';
const REQUEST_TIMEOUT_MS = 2_000;

interface Served {
  server: Server;
  port: number;
  handled: string[];
  warnings: string[];
}

async function serve(): Promise<Served> {
  const handled: string[] = [];
  const warnings: string[] = [];
  const app = express().use(
    vobizWebhook({
      secret: SECRET,
      logger: { warn: (message: unknown) => void warnings.push(String(message)), error: () => undefined },
      on: { '*': (event) => void handled.push(event.event_id) },
    }),
  );
  // What SECURITY.md tells users to set. connectionsCheckingInterval is how often Node
  // checks the timeouts (default 30 s), so it is lowered here to keep the test short.
  const server = createServer(
    { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 100 },
    app,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, handled, warnings };
}

/** Opens a socket and collects everything the server sends until it closes the connection. */
function open(port: number): { socket: Socket; closed: Promise<string> } {
  const socket = netConnect(port, '127.0.0.1');
  socket.setEncoding('latin1');
  let answer = '';
  socket.on('data', (chunk: string) => (answer += chunk));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
  socket.on('error', () => undefined); // a reset after the 408 is part of being closed
  return { socket, closed };
}

function head(body: string, signature: string): string {
  return [
    'POST /webhooks/vobiz HTTP/1.1',
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Webhook-Signature: ${signature}`,
    '',
    '',
  ].join('\r\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const openConnections = (server: Server) =>
  new Promise<number>((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );

describe('slow and stalled deliveries (server.requestTimeout = 2 s)', () => {
  let served: Served;
  const timers = new Set<NodeJS.Timeout>();

  beforeEach(async () => {
    served = await serve();
  });
  afterEach(async () => {
    for (const timer of timers) clearInterval(timer);
    served.server.closeAllConnections();
    await new Promise<void>((resolve) => served.server.close(() => resolve()));
  });

  test('Node 20 defaults: a request may take 300 s and its headers 60 s unless the app lowers them', () => {
    const server = createServer();
    expect(server.requestTimeout).toBe(300_000);
    expect(server.headersTimeout).toBe(60_000);
  });

  test('a body that trickles in one byte at a time is cut off with 408 and never reaches a handler', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const { socket, closed } = open(served.port);
    socket.write(head(body, headers['x-webhook-signature']));
    let sent = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed && sent < body.length - 1) socket.write(body[sent++] as string);
    }, 100);
    timers.add(trickle);

    const answer = await closed;
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(sent).toBeLessThan(body.length - 1);
    expect(served.handled).toEqual([]);
    // The pipeline did not hang on the abandoned read: raw-body failed, the receiver answered.
    await waitFor(() =>
      served.warnings.some((w) => w.includes('400 body_unreadable') && w.includes('request.aborted')),
    );
    expect(await openConnections(served.server)).toBe(0);
  }, 30_000);

  test('a body that stops half way is cut off with 408 and never reaches a handler', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.status'), SECRET);
    const { socket, closed } = open(served.port);
    socket.write(head(body, headers['x-webhook-signature']) + body.slice(0, body.length / 2));

    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
    expect(served.handled).toEqual([]);
    await waitFor(() => served.warnings.some((w) => w.includes('400 body_unreadable')));
    expect(await openConnections(served.server)).toBe(0);
  }, 30_000);

  test('headers that never finish (slowloris) are cut off by headersTimeout before the middleware runs', async () => {
    const { socket, closed } = open(served.port);
    socket.write('POST /webhooks/vobiz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write('X');
    }, 100);
    timers.add(drip);

    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
    clearInterval(drip);
    expect(served.handled).toEqual([]);
    expect(served.warnings).toEqual([]);
  }, 30_000);

  test('a slow but finishing delivery inside the timeout is handled normally', async () => {
    const event = createTestEvent('message.inbound');
    const { body, headers } = signedRequest(event, SECRET);
    const { socket, closed } = open(served.port);
    socket.write(head(body, headers['x-webhook-signature']));
    const third = Math.ceil(body.length / 3);
    for (let i = 0; i < 3; i++) {
      await sleep(100);
      socket.write(body.slice(i * third, (i + 1) * third));
    }
    await waitFor(() => served.handled.length === 1);
    socket.end();
    expect(await closed).toMatch(/^HTTP\/1\.1 200 /);
    expect(served.handled).toEqual([event.event_id]);
  }, 30_000);
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
