import { randomUUID } from 'node:crypto';
import type { BackendFactory, IQueueBackend } from 'bullmq';
import type { EventHandlers } from '@vobiz-webhooks/core';
import { bullmqQueue, createWorker, type BullmqEventQueue, type VobizEventWorker } from '@vobiz-webhooks/bullmq';
import type { QueueHarness, QueueUnderTest } from '@vobiz-webhooks/test-suites';
import { REDIS_URL } from '@vobiz-webhooks/test-suites';

/** Retries in milliseconds, not minutes: the tests wait for them. */
export const QUICK_RETRIES = { attempts: 5, backoff: { type: 'fixed', delay: 5 } } as const;

/** Workers that notice a dead peer's job within seconds (BullMQ's defaults are 30 s). */
export const QUICK_STALLS = { lockDuration: 2_000, stalledInterval: 500 } as const;

/** A queue name no other test or run shares (BullMQ forbids ':' in it). */
export const uniqueQueueName = (label: string): string => `vobiz-test-${label}-${randomUUID()}`;

export interface Backend<C> {
  connection: C;
  backend?: BackendFactory<IQueueBackend, C>;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the queue did not go idle in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One test's queue on a backend: the receiver's side, workers on demand, and clean-up. */
export async function openQueue<C>(
  target: Backend<C>,
  label = 'suite',
): Promise<QueueUnderTest & { events: BullmqEventQueue<C> }> {
  const name = uniqueQueueName(label);
  const shared = { connection: target.connection, name, ...(target.backend ? { backend: target.backend } : {}) };
  const events = bullmqQueue<C>({ ...shared, logger: false, jobOptions: QUICK_RETRIES });
  await events.queue.waitUntilReady();
  const workers: VobizEventWorker<C>[] = [];
  return {
    events,
    queue: events,
    async startWorker(on: EventHandlers) {
      const worker = createWorker<C>({ ...shared, on, logger: false, ...QUICK_STALLS });
      workers.push(worker);
      await worker.worker.waitUntilReady();
      return worker;
    },
    async idle() {
      await waitUntil(async () => {
        const counts = await events.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((count) => count === 0);
      });
    },
    async jobCount() {
      const counts = await events.queue.getJobCounts();
      return Object.values(counts).reduce((sum, count) => sum + count, 0);
    },
    async close() {
      await Promise.all(workers.splice(0).map((worker) => worker.close()));
      await events.queue.obliterate({ force: true });
      await events.close();
    },
  };
}

export const redisBackend: Backend<string> = { connection: REDIS_URL };

export const harnessFor = <C>(target: Backend<C>): QueueHarness => ({ open: () => openQueue(target) });
