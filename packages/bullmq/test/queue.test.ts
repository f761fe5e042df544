import Redis from 'ioredis';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import {
  bullmqQueue,
  createWorker,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF,
  jobIdFor,
  resolveJobOptions,
  type BullmqEventQueue,
} from '@vobiz-webhooks/bullmq';
import { REDIS_URL, describeWithRedis } from '@vobiz-webhooks/test-suites';
import { uniqueQueueName } from './support/harness';

const HOUR = 3_600_000;

describe('job ids', () => {
  it('the same key gives the same id; different keys differ', () => {
    expect(jobIdFor('evt_1')).toBe(jobIdFor('evt_1'));
    expect(jobIdFor('evt_1')).not.toBe(jobIdFor('evt_2'));
  });

  it('ids BullMQ accepts for any key: no ":", never an integer, bounded length', () => {
    for (const key of ['12345', 'wamid.X:read|wamid.Y:sent', 'a:b:c', 'é👋', 'x'.repeat(5_000)]) {
      const id = jobIdFor(key);
      expect(id).not.toContain(':');
      expect(String(Number.parseInt(id, 10))).not.toBe(id);
      expect(id).toMatch(/^vobiz-[\w-]{43}$/);
    }
  });
});

describe('job options', () => {
  it('defaults: 12 attempts, exponential from 45 s (the last attempt 25.6 h after the first), kept for the window', () => {
    const options = resolveJobOptions();
    expect(options).toEqual({
      attempts: 12,
      backoff: { type: 'exponential', delay: 45_000 },
      removeOnComplete: { age: (48 * HOUR + 5 * 60_000) / 1000 },
      removeOnFail: false,
    });
    // BullMQ waits delay * 2^(n-1) before retry n.
    const waits = Array.from({ length: DEFAULT_ATTEMPTS - 1 }, (_, n) => DEFAULT_BACKOFF.delay * 2 ** n);
    const total = waits.reduce((sum, wait) => sum + wait, 0);
    expect(total).toBeGreaterThanOrEqual(24 * HOUR);
    expect(Math.round((total / HOUR) * 10) / 10).toBe(25.6);
  });

  it('the caller overrides a default; completed jobs are kept for a shorter maxEventAgeMs window', () => {
    expect(resolveJobOptions({ attempts: 3 }).attempts).toBe(3);
    expect(resolveJobOptions({}, HOUR).removeOnComplete).toEqual({ age: 3_900 });
    expect(resolveJobOptions({ removeOnComplete: false }).removeOnComplete).toBe(false);
  });

  it.each([
    [{ removeOnComplete: true }],
    [{ removeOnComplete: 1000 }],
    [{ removeOnComplete: { age: 3600 } }],
    [{ removeOnComplete: { age: 200_000, count: 1000 } }],
  ])('refuses %j: a replay inside the window would be queued again', (jobOptions) => {
    expect(() => resolveJobOptions(jobOptions)).toThrow(/forgets a completed job before the accepted window ends/);
  });

  it('refuses a jobId (it comes from the key) and a bad maxEventAgeMs', () => {
    expect(() => resolveJobOptions({ jobId: 'x' } as never)).toThrow(/jobId` cannot be set/);
    expect(() => resolveJobOptions({}, Infinity)).toThrow(/maxEventAgeMs/);
  });

  it('bullmqQueue and createWorker refuse a missing connection or handlers with the fix in the message', () => {
    expect(() => bullmqQueue({} as never)).toThrow(/`connection` is required/);
    expect(() => createWorker({ connection: REDIS_URL } as never)).toThrow(
      /`on` is required: the handlers this worker runs/,
    );
    expect(() => createWorker({ connection: REDIS_URL } as never)).not.toThrow(/queue/);
    expect(() => createWorker({ connection: REDIS_URL, on: { '*': 1 } } as never)).toThrow(/must be a function/);
    expect(() => createWorker({ connection: REDIS_URL, on: {}, concurrency: 0 })).toThrow(/concurrency/);
  });
});

describe('connections', () => {
  it('refuses a worker ioredis client whose maxRetriesPerRequest is not null, naming the fix', () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true });
    try {
      expect(() => createWorker({ connection: client, on: {}, autorun: false })).toThrow(
        /maxRetriesPerRequest 20; it must be null[\s\S]*maxRetriesPerRequest: null/,
      );
    } finally {
      client.disconnect();
    }
  });

  it('worker options get maxRetriesPerRequest: null, with a warning when they said otherwise', async () => {
    const warnings: string[] = [];
    const logger = { warn: (line: unknown) => void warnings.push(String(line)), error: () => undefined };
    const made = createWorker({
      connection: { host: '127.0.0.1', maxRetriesPerRequest: 3 },
      on: {},
      logger,
      autorun: false,
    });
    try {
      expect((made.worker.opts.connection as { maxRetriesPerRequest: unknown }).maxRetriesPerRequest).toBeNull();
      expect(warnings).toEqual([expect.stringContaining('maxRetriesPerRequest 3 is replaced by null')]);
    } finally {
      await made.close();
    }
  });

  it('the web side fails fast: options and URLs get enableOfflineQueue: false', async () => {
    const events = bullmqQueue({ connection: REDIS_URL, name: uniqueQueueName('options'), logger: false });
    try {
      expect(events.queue.opts.connection).toMatchObject({
        url: REDIS_URL,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      });
    } finally {
      await events.close();
    }
  });
});

describeWithRedis('enqueue', () => {
  let events: BullmqEventQueue;
  beforeEach(() => {
    events = bullmqQueue({ connection: REDIS_URL, name: uniqueQueueName('enqueue'), logger: false });
  });
  afterEach(async () => {
    await events.queue.obliterate({ force: true });
    await events.close();
  });

  it('adds one job named by the event type, with { event, key } and the id of the key', async () => {
    const event = createTestEvent('call.connect');
    await events.enqueue(event, 'the-key');
    const job = await events.queue.getJob(jobIdFor('the-key'));
    expect(job?.name).toBe('call.connect');
    expect(job?.data).toEqual({ event, key: 'the-key' });
    expect(job?.opts).toMatchObject({
      attempts: 12,
      backoff: { type: 'exponential', delay: 45_000 },
      removeOnFail: false,
    });
  });

  it('a second add of the same key is a no-op, even with a different event; keys with ":" and integer-like keys work', async () => {
    const first = createTestEvent('message.inbound');
    await events.enqueue(first, first.event_id);
    await events.enqueue(createTestEvent('message.status'), first.event_id);
    for (const key of ['12345', 'wamid.A:read|wamid.B:sent'])
      await events.enqueue(createTestEvent('message.status'), key);
    expect(await events.queue.getJobCounts()).toMatchObject({ waiting: 3 });
    expect((await events.queue.getJob(jobIdFor(first.event_id)))?.data.event).toEqual(first);
  });
});
