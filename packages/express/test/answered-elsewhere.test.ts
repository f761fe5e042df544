import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect as netConnect, type AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/express';

// A response-timeout middleware (connect-timeout and hand-written ones) answers 503 while
// the webhook is still reading a slow body or running a slow handler. When the webhook
// finishes, the response is already sent: writing it again throws ERR_HTTP_HEADERS_SENT,
// and a throw that escapes the middleware's promise ends the process with every request
// still in flight.
const SECRET = 'whsec_answered_elsewhere';
const TIMEOUT_MS = 100;
const HANDLER_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers 503 itself after TIMEOUT_MS, as `res.status(503).end()`. */
const answersOnTimeout: RequestHandler = (_req, res, next) => {
  const timer = setTimeout(() => void res.status(503).end('timed out'), TIMEOUT_MS);
  res.on('close', () => clearTimeout(timer));
  next();
};

/** Hands a 503 error to the error handler after TIMEOUT_MS, as connect-timeout does with `next(err)`. */
const failsOnTimeout: RequestHandler = (_req, res, next) => {
  const timer = setTimeout(() => next(Object.assign(new Error('Response timeout'), { status: 503 })), TIMEOUT_MS);
  res.on('close', () => clearTimeout(timer));
  next();
};

const errorHandler: ErrorRequestHandler = (error: { status?: number }, _req, res, next) => {
  if (res.headersSent) return next(error);
  res.status(error.status ?? 500).json({ error: 'timeout' });
};

interface Served {
  server: Server;
  port: number;
  handled: string[];
}

async function serve(timeout: RequestHandler): Promise<Served> {
  const handled: string[] = [];
  const app = express()
    .use(timeout)
    .use(
      vobizWebhook({
        secret: SECRET,
        logger: false,
        on: {
          '*': async (event) => {
            await sleep(HANDLER_MS);
            handled.push(event.event_id);
          },
        },
      }),
    )
    .use(errorHandler);
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, handled };
}

const escaped: unknown[] = [];
const record = (error: unknown) => void escaped.push(error);

beforeAll(() => {
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
});
afterAll(() => {
  process.off('unhandledRejection', record);
  process.off('uncaughtException', record);
});

let served: Served | undefined;
afterEach(async () => {
  const server = served?.server;
  served = undefined;
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const portOf = () => (served as Served).port;

async function post(event: object, secret = SECRET): Promise<Response> {
  const { body, headers } = signedRequest(event, secret);
  return fetch(`http://127.0.0.1:${portOf()}/webhooks/vobiz`, { method: 'POST', headers, body });
}

/**
 * Sends the head, then the body one slice every 40 ms on a keep-alive connection (so Node
 * keeps reading the body after the early answer), and resolves with what came back
 * once the whole body is sent.
 */
async function trickle(event: object, secret: string): Promise<string> {
  const { body, headers } = signedRequest(event, secret);
  const socket = netConnect(portOf(), '127.0.0.1');
  socket.setEncoding('latin1');
  let answer = '';
  socket.on('data', (chunk: string) => (answer += chunk));
  socket.on('error', () => undefined);
  socket.write(
    'POST /webhooks/vobiz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Webhook-Signature: ${headers['x-webhook-signature']}\r\n\r\n`,
  );
  const slices = 8;
  const size = Math.ceil(body.length / slices);
  for (let i = 0; i < slices; i++) {
    await sleep(40);
    socket.write(body.slice(i * size, (i + 1) * size));
  }
  await sleep(100);
  socket.destroy();
  return answer;
}

/** Waits past the webhook's own finish, so a late write would have happened. */
const settle = () => sleep(HANDLER_MS + 200);

describe.each([
  ['res.status(503).end()', answersOnTimeout],
  ['next(err) to the error handler', failsOnTimeout],
])('a response timeout answered first (%s)', (_name, timeout) => {
  beforeEach(async () => {
    escaped.length = 0;
    served = await serve(timeout);
  });

  test('a slow handler finishes after the 503: nothing escapes and the server keeps serving', async () => {
    const event = createTestEvent('message.inbound');
    const first = await post(event);
    expect(first.status).toBe(503);
    await settle();
    expect(served?.handled).toEqual([event.event_id]);
    expect(escaped).toEqual([]);
    // The same delivery again: a duplicate, answered before the timeout.
    const again = await post(event);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true });
    expect(escaped).toEqual([]);
  });

  test('a forged body trickling in past the timeout is refused after the 503 without crashing', async () => {
    const answer = await trickle(createTestEvent('message.inbound'), 'forged-secret');
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    await sleep(200);
    expect(escaped).toEqual([]);
    expect(served?.handled).toEqual([]);
    // The server still answers, here with the refusal it would have sent in time.
    const next = await fetch(`http://127.0.0.1:${portOf()}/webhooks/vobiz`, { method: 'GET' });
    expect(next.status).toBe(405);
  });
});

test('in a process of its own, the app outlives the late answer and serves the next request', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'packages/express/test/support/answered-elsewhere-server.ts'],
    {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`exited before listening (${code}): ${stderr}`)));
      createInterface({ input: child.stdout }).once('line', (line) =>
        resolve((JSON.parse(line) as { port: number }).port),
      );
    });
    const deliver = () => {
      const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
      return fetch(`http://127.0.0.1:${port}/webhooks/vobiz`, { method: 'POST', headers, body });
    };
    expect((await deliver()).status).toBe(503);
    await settle();
    expect(child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${port}/webhooks/vobiz`)).status).toBe(405);
    expect(stderr).toBe('');
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}, 30_000);
