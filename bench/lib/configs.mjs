// The benchmark's configurations, shared by bench/run.mjs (req/s) and bench/instructions.mjs
// (instructions per request): each is one server process in bench/servers/.
import { connect } from 'node:net';
import { missingPackage } from './packages.mjs';
import { redisServerMissing } from './redis-server.mjs';

/**
 * The seven configurations the targets compare (5 is two servers), 6w, the queue mode pair 8 and 8h,
 * and three pairs of ours against its like on the same delivery: 7m/7p (Meta's own body), 9/9h
 * (Fastify), 10/10h (Hono), with 9j/10j, the hand-written routes giving the library's answer. `needs`
 * are built workspace packages; `answer: 'library'` has a hand-written route answer as the library does.
 */
export const CONFIGS = [
  {
    id: '1',
    name: 'bare Express + `express.raw()`, answers 200 (ceiling)',
    server: 'express-bare.mjs',
    kind: 'vobiz',
    verifies: false,
  },
  {
    id: '2',
    name: "Vobiz docs' hand-written handler (`express.raw` + `createHmac` + `timingSafeEqual` + `JSON.parse`)",
    server: 'express-vobiz-docs.mjs',
    kind: 'vobiz',
  },
  {
    id: '3',
    name: '`@vobiz-webhooks/express`, defaults (in-memory dedupe)',
    server: 'vobiz-express.mjs',
    kind: 'vobiz',
    needs: ['core', 'express'],
  },
  {
    id: '4',
    name: '`@vobiz-webhooks/express` + Redis dedupe (127.0.0.1:6379)',
    server: 'vobiz-express-redis.mjs',
    kind: 'vobiz',
    needs: ['core', 'express'],
    redis: true,
  },
  {
    id: '5a',
    name: '`@vobiz-webhooks/koa` on `@koa/router`, defaults',
    server: 'vobiz-koa.mjs',
    kind: 'vobiz',
    needs: ['core', 'koa'],
  },
  {
    id: '5b',
    name: '`@vobiz-webhooks/next` route handler via node:http → Web `Request`',
    server: 'vobiz-next.mjs',
    kind: 'vobiz',
    needs: ['core', 'next'],
  },
  {
    id: '6',
    name: '`@octokit/webhooks` `createNodeMiddleware` in Express (`issues` event)',
    server: 'octokit.mjs',
    kind: 'octokit',
  },
  {
    id: '7',
    name: '`whatsapp-api-js` Express middleware (`X-Hub-Signature-256`, Meta body)',
    server: 'whatsapp-api-js.mjs',
    kind: 'whatsapp',
  },
  // Meta's WhatsApp Cloud API received directly: Meta's own object with one message (whatsapp-api-js
  // handles only a body's first message, so the same one-message body gives both the same work).
  {
    id: '7m',
    name: "`@vobiz-webhooks/express` `metaWebhook`, defaults (Meta's object, one message)",
    server: 'vobiz-express-meta.mjs',
    kind: 'meta',
    needs: ['core', 'express'],
  },
  {
    id: '7p',
    name: '`whatsapp-api-js` Express middleware on the same one-message Meta object as 7m',
    server: 'whatsapp-api-js.mjs',
    kind: 'meta',
  },
  // Not one of the seven the targets compare: 5b's like-for-like peer, a Fetch API handler behind the same bridge.
  {
    id: '6w',
    name: '`@octokit/webhooks` `createWebMiddleware` via the same node:http → Web `Request` bridge as 5b',
    server: 'octokit-web.mjs',
    kind: 'octokit',
  },
  // Queue mode: the answer waits for the job to be stored in Redis, not for handlers. Each
  // server starts a redis-server of its own, and run.mjs has it emptied before every run.
  {
    id: '8',
    name: '`@vobiz-webhooks/express` in queue mode (`@vobiz-webhooks/bullmq` `bullmqQueue`), defaults',
    server: 'vobiz-express-queue.mjs',
    kind: 'vobiz',
    needs: ['core', 'express', 'bullmq'],
    ownRedis: true,
  },
  {
    id: '8h',
    name: 'hand-written queue route (`express.raw` + `createHmac` + `timingSafeEqual` + `JSON.parse` + `queue.add`)',
    server: 'express-bullmq-hand.mjs',
    kind: 'vobiz',
    needs: ['bullmq'],
    ownRedis: true,
  },
  // The Fastify and Hono adapters against the same route written by hand on the same framework.
  {
    id: '9',
    name: '`@vobiz-webhooks/fastify` plugin on Fastify 5, defaults',
    server: 'vobiz-fastify.mjs',
    kind: 'vobiz',
    needs: ['core', 'fastify'],
  },
  {
    id: '9h',
    name: 'hand-written Fastify 5 route (buffer content-type parser + `createHmac` + `timingSafeEqual` + `JSON.parse`)',
    server: 'fastify-hand.mjs',
    kind: 'vobiz',
    needs: ['fastify'],
  },
  {
    id: '9j',
    name: '9h answering the library\'s 200 (`{"ok":true}`, its JSON `Content-Type` and `Cache-Control`)',
    server: 'fastify-hand.mjs',
    kind: 'vobiz',
    answer: 'library',
    needs: ['fastify'],
  },
  {
    id: '10',
    name: '`@vobiz-webhooks/hono` `vobizWebhook` on `@hono/node-server`, defaults',
    server: 'vobiz-hono.mjs',
    kind: 'vobiz',
    needs: ['core', 'hono'],
  },
  {
    id: '10h',
    name: 'hand-written Hono route on `@hono/node-server` (`arrayBuffer` + `createHmac` + `timingSafeEqual` + `JSON.parse`)',
    server: 'hono-hand.mjs',
    kind: 'vobiz',
    needs: ['hono'],
  },
  {
    id: '10j',
    name: '10h answering the library\'s 200 (`{"ok":true}`, its JSON `Content-Type` and `Cache-Control`)',
    server: 'hono-hand.mjs',
    kind: 'vobiz',
    answer: 'library',
    needs: ['hono'],
  },
];

/**
 * The worker runs (bench/worker.mjs): the same pre-filled jobs drained, then a steady load, by
 * `createWorker` with a no-op handler and by a bare BullMQ `Worker` with a no-op processor.
 */
export const WORKER_CONFIGS = [
  { id: 'w', name: '`@vobiz-webhooks/bullmq` `createWorker`, no-op handler', worker: 'vobiz', needs: ['bullmq'] },
  { id: 'wh', name: 'bare BullMQ `Worker`, no-op processor', worker: 'bare', needs: ['bullmq'] },
];

/** Whether a Redis server answers at 127.0.0.1:6379 (configuration 4 needs one). */
export function redisReachable() {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Why a configuration cannot run here (a package not built, no Redis), or undefined when it can. */
export function whyUnavailable(config, redisUp) {
  const missing = (config.needs ?? [])
    .map((name) => missingPackage(name) && `@vobiz-webhooks/${name}: ${missingPackage(name)}`)
    .filter(Boolean);
  if (missing.length > 0) return missing.join('; ');
  if (config.redis && !redisUp) return 'no Redis server at 127.0.0.1:6379';
  if (config.ownRedis || config.worker) return redisServerMissing();
  return undefined;
}
