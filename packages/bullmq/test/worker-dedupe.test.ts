import Redis from 'ioredis';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import type { DedupeStore } from '@vobiz-webhooks/core';
import { redisDedupeStore } from '@vobiz-webhooks/redis';
import { eventually } from '@vobiz-webhooks/test-suites';
import {
  bullmqQueue,
  createWorker,
  type BullmqEventQueue,
  type CreateWorkerOptions,
  type VobizEventWorker,
} from '@vobiz-webhooks/bullmq';
import { REDIS_URL, deleteKeys, describeWithRedis, uniquePrefix } from '@vobiz-webhooks/test-suites';
import { QUICK_STALLS, uniqueQueueName } from './support/harness';

// The worker's optional `dedupe` store: a fleet-wide record of completed handlers, beside
// the one each job keeps in its progress.
describeWithRedis('worker dedupe store', () => {
  const prefix = uniquePrefix('worker-dedupe');
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const dedupe = redisDedupeStore({ client, prefix });
  const open: Array<BullmqEventQueue | VobizEventWorker> = [];

  beforeAll(() => client.connect());
  afterEach(async () => {
    for (const item of open.splice(0).reverse()) {
      if ('enqueue' in item) await item.queue.obliterate({ force: true });
      await item.close();
    }
  });
  afterAll(async () => {
    await deleteKeys(prefix);
    client.disconnect();
  });

  function queueWithWorker(
    on: Parameters<typeof createWorker>[0]['on'],
    jobOptions = {},
    workerOptions: Partial<CreateWorkerOptions> = {},
  ) {
    const name = uniqueQueueName('dedupe');
    const events = bullmqQueue({ connection: REDIS_URL, name, logger: false, jobOptions });
    const worker = createWorker({
      connection: REDIS_URL,
      name,
      on,
      dedupe,
      logger: false,
      ...QUICK_STALLS,
      ...workerOptions,
    });
    open.push(events, worker);
    return events;
  }

  it('the same event in two queues (two jobs) runs each handler once across both workers', async () => {
    const runs: string[] = [];
    const on = { 'message.inbound': () => void runs.push('message.inbound'), '*': () => void runs.push('*') };
    const first = queueWithWorker(on);
    const second = queueWithWorker(on);
    const event = createTestEvent('message.inbound');
    await first.enqueue(event, event.event_id);
    await eventually(() => expect(runs).toHaveLength(2));
    await second.enqueue(event, event.event_id);
    await eventually(async () => expect(await second.queue.getCompletedCount()).toBe(1));
    expect(runs.sort()).toEqual(['*', 'message.inbound']);
  });

  it('a handler whose claim another run holds is not run: the attempt is retried, and runs once the claim is gone', async () => {
    const runs: string[] = [];
    const event = createTestEvent('message.status');
    const held = `handler:1:*:${event.event_id}`;
    expect(await dedupe.claim(held, 60_000, 'another-run')).toBe('claimed');
    const events = queueWithWorker(
      { 'message.status': () => void runs.push('message.status'), '*': () => void runs.push('*') },
      { attempts: 50, backoff: { type: 'fixed', delay: 50 } },
    );
    await events.enqueue(event, event.event_id);
    await eventually(() => expect(runs).toEqual(['message.status']));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(runs).toEqual(['message.status']);
    await dedupe.release(held, 'another-run');
    await eventually(() => expect(runs).toEqual(['message.status', '*']));
    await eventually(async () => expect(await events.queue.getCompletedCount()).toBe(1));
    expect(runs).toEqual(['message.status', '*']);
  });

  /** The shared store, but its first claim answers after `delayMs`, or never. */
  function slowFirstClaim(delayMs: number | 'never'): DedupeStore & { claims: () => number } {
    let claims = 0;
    return {
      ...dedupe,
      claim: async (key, leaseMs, token) => {
        if (++claims === 1) {
          await new Promise((resolve) => (delayMs === 'never' ? undefined : setTimeout(resolve, delayMs)));
        }
        return dedupe.claim(key, leaseMs, token);
      },
      complete: dedupe.complete,
      release: dedupe.release,
      claims: () => claims,
    };
  }

  it('a claim with no answer within storeTimeoutMs fails the attempt, and the retry runs the handler once', async () => {
    const runs: string[] = [];
    const errors: string[] = [];
    const logger = { warn: () => undefined, error: (line: unknown) => void errors.push(String(line)) };
    const store = slowFirstClaim('never');
    const events = queueWithWorker(
      { 'message.inbound': () => void runs.push('message.inbound') },
      { attempts: 5, backoff: { type: 'fixed', delay: 50 } },
      { dedupe: store, storeTimeoutMs: 200, logger },
    );
    const event = createTestEvent('message.inbound');
    await events.enqueue(event, event.event_id);
    await eventually(async () => expect(await events.queue.getCompletedCount()).toBe(1));
    expect([runs, store.claims()]).toEqual([['message.inbound'], 2]);
    // The log says the handler did not run, not that it failed.
    expect(errors).toEqual([expect.stringContaining("handler 'message.inbound' for message.inbound")]);
    expect(errors[0]).toContain('was not run (its dedupe claim failed) on attempt 1');
  });

  it('refuses storeTimeoutMs without a dedupe store, and past the longest a timer waits', () => {
    expect(() => createWorker({ connection: REDIS_URL, on: {}, storeTimeoutMs: 1_000, autorun: false })).toThrow(
      /`storeTimeoutMs` bounds the worker's `dedupe` store, and none was given/,
    );
    expect(() =>
      createWorker({ connection: REDIS_URL, on: {}, dedupe, storeTimeoutMs: 2 ** 31, autorun: false }),
    ).toThrow(/at most 2147483647/);
  });

  it('a claim that answers after storeTimeoutMs is given back: the retry is not kept waiting for its 60 s lease', async () => {
    const runs: string[] = [];
    // Answered at 300 ms, after the 200 ms deadline and before the retry at 700 ms.
    const store = slowFirstClaim(300);
    const events = queueWithWorker(
      { 'message.inbound': () => void runs.push('message.inbound') },
      { attempts: 50, backoff: { type: 'fixed', delay: 500 } },
      { dedupe: store, storeTimeoutMs: 200, leaseMs: 60_000 },
    );
    const event = createTestEvent('message.inbound');
    await events.enqueue(event, event.event_id);
    await eventually(async () => expect(await events.queue.getCompletedCount()).toBe(1));
    expect([runs, store.claims()]).toEqual([['message.inbound'], 2]);
  });

  it('refuses a store that forgets sooner than dedupeTtlMs', () => {
    const short = {
      ...dedupe,
      claim: dedupe.claim,
      complete: dedupe.complete,
      release: dedupe.release,
      maxTtlMs: 1_000,
    };
    expect(() => createWorker({ connection: REDIS_URL, on: {}, dedupe: short, autorun: false })).toThrow(
      /shorter than dedupeTtlMs/,
    );
  });
});
