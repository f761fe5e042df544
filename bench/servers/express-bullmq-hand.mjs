// Configuration 8h: configuration 8's work written by hand, the way the Vobiz docs' handler
// (configuration 2) would grow a queue: express.raw, createHmac, timingSafeEqual, JSON.parse
// (`verifiedEvent` in servers/common.mjs), then BullMQ's queue.add with the event id as the
// job id, and 200 once it is stored. Same BullMQ (the copy @vobiz-webhooks/bullmq resolves),
// same Redis setup as configuration 8.
import express from 'express';
import { createServer } from 'node:http';
import { requireDependency } from '../lib/packages.mjs';
import { startRedisServer } from '../lib/redis-server.mjs';
import { PATHS, serve, verifiedEvent } from './common.mjs';

const { Queue } = requireDependency('bullmq', 'bullmq');

const redis = await startRedisServer();
const queue = new Queue('vobiz-bench', { connection: redis.connection });
await queue.waitUntilReady();
process.stderr.write(`note: own redis-server (no persistence), emptied before each run; no worker running\n`);
// The retries and retention @vobiz-webhooks/bullmq gives its jobs, so both store the same job.
const JOB_OPTIONS = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 45_000 },
  removeOnComplete: { age: 48 * 3600 + 300 },
  removeOnFail: false,
};

const app = express();
app.post(PATHS.vobiz, express.raw({ type: 'application/json' }), async (req, res) => {
  const event = verifiedEvent(req.get('X-Webhook-Signature'), req.body);
  if (event === undefined) {
    res.status(401).end();
    return;
  }
  try {
    await queue.add(event.event_type, { event, key: event.event_id }, { ...JOB_OPTIONS, jobId: event.event_id });
  } catch {
    res.status(503).end();
    return;
  }
  res.status(200).end();
});
serve(
  createServer(app),
  async () => {
    await queue.close();
    await redis.stop();
  },
  { prepare: () => redis.flush(), redisCpuSeconds: () => redis.cpuSeconds() },
);
