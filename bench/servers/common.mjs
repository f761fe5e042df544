// What every benchmark server shares: the same trivial handler work, the same port
// handshake with bench/run.mjs, a clean exit when the run is over, the hand-written
// receivers' check, the Fastify and Hono apps, and the one node:http → Web Request bridge
// for Fetch API handlers.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { importPackage, requireDependency } from '../lib/packages.mjs';
import { SECRET } from '../lib/payloads.mjs';
export { SECRET, PATHS } from '../lib/payloads.mjs';

/** The request kind this server was started for (its configuration's `kind`, from bench/lib/servers.mjs). */
export const KIND = process.argv[2];

/**
 * What a hand-written route answers a handled delivery: an empty 200 (9h, 10h), or with
 * `answer: 'library'` in its configuration (9j, 10j) the library's own 200, the same bytes and
 * headers, so that the pair compares the receive work alone.
 */
export const ANSWER =
  process.argv[3] === 'library'
    ? {
        body: '{"ok":true}',
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      }
    : { body: null, headers: {} };

let handled = 0;

/** The user's handler in every configuration: count the batch, nothing more. */
export function countMessages(messages) {
  handled += Array.isArray(messages) ? messages.length : 1;
}

/** Meta objects batch entries → changes → messages; every configuration walks them the same way. */
export function messagesOfMeta(meta) {
  const out = [];
  for (const entry of meta?.entry ?? [])
    for (const change of entry.changes ?? []) out.push(...(change.value?.messages ?? []));
  return out;
}

/** The `on` map every configuration of the library passes: the same count, of the event's messages. */
export async function countingHandlers() {
  const { messagesOf } = await importPackage('core');
  return { 'message.inbound': (event) => countMessages(messagesOf(event)) };
}

/**
 * The Vobiz docs' check, as every hand-written receiver here does it: `createHmac` over the raw
 * bytes, a length check, `timingSafeEqual`, then `JSON.parse`. The event, or undefined when the
 * signature does not match (the caller answers 401).
 */
export function verifiedEvent(signature = '', body) {
  const expected = createHmac('sha256', SECRET).update(body).digest('hex');
  if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected)))
    return undefined;
  return JSON.parse(body.toString('utf8'));
}

/** What a hand-written receiver does with a verified event: the same count as the library's handlers. */
export function handleEvent(event) {
  if (event.event_type === 'message.inbound') countMessages(messagesOfMeta(event.payload));
}

/**
 * A Fastify 5 app (the copy @vobiz-webhooks/fastify resolves; logger off, Fastify's default),
 * with `setup(app)` done, served on its own node:http server.
 */
export async function serveFastify(setup) {
  const Fastify = requireDependency('fastify', 'fastify');
  const app = Fastify({ logger: false });
  await setup(app);
  await app.ready();
  serve(app.server);
}

/** A Hono app (the copies @vobiz-webhooks/hono resolves) with `setup(app)` done, on `@hono/node-server`. */
export function serveHono(setup) {
  const { Hono } = requireDependency('hono', 'hono');
  const { createAdaptorServer } = requireDependency('hono', '@hono/node-server');
  const app = new Hono();
  setup(app);
  serve(createAdaptorServer({ fetch: app.fetch }));
}

/**
 * Listens on a free loopback port and tells the parent which one (`READY <port>`).
 * `prepare` runs when bench/run.mjs asks before each load run (a queue server empties its
 * Redis); `redisCpuSeconds` adds the CPU time of a Redis of the server's own to its stats.
 */
export function serve(server, onClose = async () => {}, { prepare, redisCpuSeconds } = {}) {
  server.keepAliveTimeout = 65_000;
  // CPU time per request, asked for by bench/run.mjs over IPC before and after each load
  // run: unlike req/s it barely moves when other work shares the machine.
  let requests = 0;
  server.on('request', () => requests++);
  process.on('message', (message) => {
    if (message === 'stats') {
      const stats = { requests, cpu: process.cpuUsage() };
      if (!redisCpuSeconds) return process.send?.(stats);
      redisCpuSeconds().then(
        (seconds) => process.send?.({ ...stats, redisCpuSeconds: seconds }),
        () => process.send?.(stats),
      );
    } else if (message === 'prepare') {
      Promise.resolve(prepare?.()).then(
        () => process.send?.({ prepared: true }),
        (error) => process.send?.({ prepared: false, error: String(error) }),
      );
    }
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`READY ${server.address().port}\n`);
  });
  const stop = () => {
    server.closeAllConnections?.();
    server.close(() => {
      onClose().finally(() => process.exit(0));
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent going away must never leave a server behind.
  process.on('disconnect', stop);
  return () => handled;
}

/** The body as Next.js hands it over: all of it, then the handler runs. */
const readAll = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', reject);
  });

/**
 * A minimal node:http server that calls a Fetch API handler (`(Request) => Promise<Response>`)
 * the way Next.js calls a route handler: each request becomes a Web `Request`, the
 * `Response` is written back. Every Web-handler configuration goes through this same bridge.
 */
export function webHandlerServer(handler) {
  return createServer(async (req, res) => {
    const body = await readAll(req);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, {
      method: req.method,
      headers,
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
  });
}
