// A receiver in its own process for the crash tests (../hostile-crash.test.ts):
//   node --import tsx packages/express/test/support/crash-receiver.ts
// Env: SECRET, LEASE_MS, LOG_FILE, HANG ('1': handlers announce themselves and never finish,
// so the test can SIGKILL the process mid-handler), and the shared store: STORE_DIR (files)
// or REDIS_URL + REDIS_PREFIX (@vobiz-webhooks/redis).
// Prints {"port":N} when listening and {"handling":"<event_id>"} when a handler starts.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { DedupeStore } from '@vobiz-webhooks/core';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { fileDedupeStore } from '@vobiz-webhooks/test-suites';

const { SECRET, LEASE_MS, LOG_FILE, HANG, STORE_DIR, REDIS_URL, REDIS_PREFIX } = process.env;
if (!SECRET || !LEASE_MS || !LOG_FILE) throw new Error('crash-receiver: SECRET, LEASE_MS and LOG_FILE are required');

async function sharedStore(): Promise<DedupeStore> {
  if (STORE_DIR) return fileDedupeStore(STORE_DIR);
  if (!REDIS_URL || !REDIS_PREFIX) throw new Error('crash-receiver: set STORE_DIR, or REDIS_URL and REDIS_PREFIX');
  const { default: Redis } = await import('ioredis');
  const { redisDedupeStore } = await import('@vobiz-webhooks/redis');
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  return redisDedupeStore({ client, prefix: REDIS_PREFIX });
}

const app = express();
app.use(
  vobizWebhook({
    secret: SECRET,
    dedupe: await sharedStore(),
    leaseMs: Number(LEASE_MS),
    logger: false,
    on: {
      '*': async (event) => {
        process.stdout.write(`${JSON.stringify({ handling: event.event_id, pid: process.pid })}\n`);
        if (HANG === '1') await new Promise<never>(() => undefined);
        appendFileSync(LOG_FILE, `${event.event_id} ${process.pid}\n`);
      },
    },
  }),
);

const server = createServer(app).listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
