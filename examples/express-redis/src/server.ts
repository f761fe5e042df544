import { redisDedupeStore } from '@vobiz-webhooks/redis';
import { createApp } from './app';
import { connectRedis } from './redis-client';

const secret = process.env.VOBIZ_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret, e.g. VOBIZ_WEBHOOK_SECRET=… pnpm start');
  process.exit(1);
}
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const port = Number(process.env.PORT ?? 3000);

const redis = await connectRedis(redisUrl, process.env.REDIS_CLIENT === 'node-redis' ? 'node-redis' : 'ioredis');
const { app } = createApp({ secret, dedupe: redisDedupeStore({ client: redis.client, prefix: 'vobiz-webhooks:' }) });

const server = app.listen(port, () => {
  console.log(
    `Express + Redis example: POST http://localhost:${port}/webhooks/vobiz (dedupe in ${new URL(redisUrl).host})`,
  );
});

// Finish the deliveries in flight before closing Redis: their claims must be completed or released.
process.on('SIGTERM', () => {
  server.close(() => void redis.close().finally(() => process.exit(0)));
});
