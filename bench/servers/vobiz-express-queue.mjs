// Configuration 8: @vobiz-webhooks/express in queue mode, defaults otherwise: each delivery is
// verified, validated, deduped (in memory) and stored as a BullMQ job by @vobiz-webhooks/bullmq,
// then answered 200. The Redis is this server's own, emptied before each run; no worker drains
// it while the load runs, so what is measured is the acknowledgement alone.
import express from 'express';
import { createServer } from 'node:http';
import { importPackage } from '../lib/packages.mjs';
import { startRedisServer } from '../lib/redis-server.mjs';
import { SECRET, serve } from './common.mjs';

const { vobizWebhook } = await importPackage('express');
const { bullmqQueue } = await importPackage('bullmq');

const redis = await startRedisServer();
const queue = bullmqQueue({ connection: redis.connection, name: 'vobiz-bench' });
await queue.queue.waitUntilReady();
process.stderr.write(`note: own redis-server (no persistence), emptied before each run; no worker running\n`);

const app = express();
app.use(vobizWebhook({ secret: SECRET, queue }));
serve(
  createServer(app),
  async () => {
    await queue.close();
    await redis.stop();
  },
  { prepare: () => redis.flush(), redisCpuSeconds: () => redis.cpuSeconds() },
);
