// One receiver instance for the multi-instance test, run in its own process:
//   node --import tsx packages/redis/test/support/receiver-process.ts
// Env: REDIS_URL, PREFIX, SECRET, LOG_FILE, CLIENT (ioredis | node-redis).
// Each handled event_id is appended to LOG_FILE, so handler runs are counted outside Redis.
// Prints one line, {"port":N}, once it listens.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { redisDedupeStore, type RedisClient } from '@vobiz-webhooks/redis';
import express from 'express';
import Redis from 'ioredis';
import { createClient } from 'redis';

const { REDIS_URL = 'redis://127.0.0.1:6379', PREFIX, SECRET, LOG_FILE, CLIENT = 'ioredis' } = process.env;
if (!PREFIX || !SECRET || !LOG_FILE) throw new Error('receiver-process: PREFIX, SECRET and LOG_FILE are required');

async function connect(): Promise<{ client: RedisClient; close(): Promise<unknown> }> {
  if (CLIENT === 'node-redis') {
    const client = createClient({ url: REDIS_URL, disableOfflineQueue: true });
    await client.connect();
    return { client, close: async () => client.close() };
  }
  const client = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
  return { client, close: async () => client.quit() };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const { client, close } = await connect();

const app = express();
app.use(
  vobizWebhook({
    secret: SECRET,
    dedupe: redisDedupeStore({ client, prefix: PREFIX }),
    logger: false,
    on: {
      '*': async (event) => {
        // 5–25 ms of "work", so copies of one event really overlap across instances (409s happen).
        await sleep(5 + Math.random() * 20);
        appendFileSync(LOG_FILE, `${event.event_id}\n`);
      },
    },
  }),
);

const server = createServer(app).listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void close().finally(() => process.exit(0)));
});
