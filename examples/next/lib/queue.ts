import { DEFAULT_QUEUE_NAME, type BullmqEventQueue } from '@vobiz-webhooks/bullmq';
import type { EventQueue } from '@vobiz-webhooks/core';
import { PHASE_PRODUCTION_BUILD } from 'next/constants';

/** What the route and the worker must agree on: the Redis they share and the queue's name. */
export const queueSettings = (env: NodeJS.ProcessEnv = process.env) => ({
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  queueName: env.VOBIZ_QUEUE_NAME ?? DEFAULT_QUEUE_NAME,
});

// `next build` loads route modules to collect page data, usually where Redis is not
// reachable. There the route is never called (and its options are checked on the first
// request), so no connection is opened for it.
const notDuringBuild: EventQueue = {
  enqueue: () => Promise.reject(new Error('the event queue is not opened during `next build`')),
};

const cache = globalThis as typeof globalThis & { vobizWebhookQueue?: BullmqEventQueue };

/**
 * The queue, once per server process. `next dev` evaluates a route module again on each
 * edit; kept on `globalThis`, the queue and its Redis connection survive that instead
 * of leaving one more connection open per reload.
 */
export function sharedQueue(create: () => BullmqEventQueue): EventQueue {
  if (process.env.NEXT_PHASE === PHASE_PRODUCTION_BUILD) return notDuringBuild;
  cache.vobizWebhookQueue ??= create();
  return cache.vobizWebhookQueue;
}
