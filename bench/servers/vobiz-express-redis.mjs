// Configuration 4: @vobiz-webhooks/express with a Redis dedupe store on 127.0.0.1:6379.
// Uses @vobiz-webhooks/redis when it is built; otherwise a minimal ioredis store with the
// same three atomic operations (SET NX PX, Lua release), and says so on stderr.
import express from 'express';
import Redis from 'ioredis';
import { createServer } from 'node:http';
import { importPackage, missingPackage } from '../lib/packages.mjs';
import { SECRET, countingHandlers, serve } from './common.mjs';

const { vobizWebhook } = await importPackage('express');

// A database and prefix of its own, emptied on exit, so other users of this Redis see nothing.
const prefix = `vobiz-bench:${process.pid}:`;
const client = new Redis({
  host: '127.0.0.1',
  port: 6379,
  db: Number(process.env.BENCH_REDIS_DB ?? 9),
  lazyConnect: true,
});
await client.connect();

const RELEASE = "if redis.call('GET', KEYS[1]) == 'processing' then return redis.call('DEL', KEYS[1]) end return 0";
function minimalStore() {
  return {
    async claim(key, leaseMs) {
      const set = await client.set(prefix + key, 'processing', 'PX', leaseMs, 'NX');
      if (set === 'OK') return 'claimed';
      return (await client.get(prefix + key)) === 'done' ? 'done' : 'processing';
    },
    async complete(key, ttlMs) {
      await client.set(prefix + key, 'done', 'PX', ttlMs);
    },
    async release(key) {
      await client.eval(RELEASE, 1, prefix + key);
    },
  };
}

let dedupe;
if (missingPackage('redis') === undefined) {
  const { redisDedupeStore } = await importPackage('redis');
  dedupe = redisDedupeStore({ client, prefix });
  process.stderr.write('note: store = @vobiz-webhooks/redis redisDedupeStore (ioredis)\n');
} else {
  process.stderr.write(
    `note: @vobiz-webhooks/redis: ${missingPackage('redis')}; store = the bench's minimal ioredis SET NX store\n`,
  );
  dedupe = minimalStore();
}

const app = express();
app.use(vobizWebhook({ secret: SECRET, dedupe, on: await countingHandlers() }));
serve(createServer(app), async () => {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await client.quit();
});
