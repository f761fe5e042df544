// A web process for the multi-process test (../multi-process.test.ts):
//   node --import tsx packages/bullmq/test/support/web-process.ts
// Env: SECRET, REDIS_URL, QUEUE, and DEDUPE_PREFIX (claims in Redis under it; unset: the
// in-memory store, so only the job id dedupes across processes). Prints {"port":N}.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Redis from 'ioredis';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { redisDedupeStore } from '@vobiz-webhooks/redis';
import { bullmqQueue } from '@vobiz-webhooks/bullmq';

const { SECRET, REDIS_URL, QUEUE, DEDUPE_PREFIX } = process.env;
if (!SECRET || !REDIS_URL || !QUEUE) throw new Error('web-process: SECRET, REDIS_URL and QUEUE are required');

const queue = bullmqQueue({ connection: REDIS_URL, name: QUEUE, logger: false });
await queue.queue.waitUntilReady();
let dedupe;
if (DEDUPE_PREFIX) {
  const client = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on('error', () => undefined);
  await client.connect();
  dedupe = redisDedupeStore({ client, prefix: DEDUPE_PREFIX });
}

const app = express().use(vobizWebhook({ secret: SECRET, queue, logger: false, ...(dedupe ? { dedupe } : {}) }));
const server = createServer(app).listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void queue.close().finally(() => process.exit(0));
});
