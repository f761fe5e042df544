// The web process of `pnpm soak --queue`: the BUILT Express package in queue mode with its
// default in-memory dedupe store, storing each event as a job through the BUILT
// @vobiz-webhooks/bullmq in the soak's private Redis (forked by scripts/soak/queue.mjs).
import express from 'express';
import { bullmqQueue } from '../../packages/bullmq/dist/index.js';
import { vobizWebhook } from '../../packages/express/dist/index.js';

const secret = process.env.SOAK_SECRET;
if (!secret) throw new Error('SOAK_SECRET is not set (scripts/soak/queue.mjs sets it).');

// Counts what the library would log instead of printing thousands of expected lines.
const refusals = {};
const count = (code) => (refusals[code] = (refusals[code] ?? 0) + 1);
const logger = {
  warn: (message) => count(/\d{3} (\w+):/.exec(String(message))?.[1] ?? 'other'),
  error: (message) => count(/did not take the event/.test(String(message)) ? 'queue_unavailable' : 'logged_errors'),
};

const queue = bullmqQueue({
  connection: { host: '127.0.0.1', port: Number(process.env.SOAK_REDIS_PORT) },
  name: process.env.SOAK_QUEUE,
  // A handler that fails once is retried after 0.2 s rather than the default 45 s, so the run does not wait.
  jobOptions: { backoff: { type: 'fixed', delay: 200 } },
  logger: { warn: () => count('queue_warnings'), error: () => count('queue_connection_errors') },
});
await queue.queue.waitUntilReady();

const app = express();
app.use(vobizWebhook({ secret, logger, queue }));

const server = app.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: server.address().port, pid: process.pid });
});
server.keepAliveTimeout = 30_000;

process.on('message', (message) => {
  if (message?.type !== 'report') return;
  process.send({
    type: 'report',
    refusals,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBytes: process.memoryUsage().rss,
  });
});
process.on('disconnect', () => {
  server.close(() => queue.close().finally(() => process.exit(0)));
  server.closeAllConnections();
});
