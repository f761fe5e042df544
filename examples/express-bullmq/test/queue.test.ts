import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bullmqQueue, jobIdFor, type BullmqEventQueue, type VobizEventWorker } from '@vobiz-webhooks/bullmq';
import { memoryDedupeStore } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { deleteKeys, describeWithRedis, REDIS_URL } from '@vobiz-webhooks/test-suites';
import { createWebApp } from '../src/app';
import { createExampleWorker, type Handled } from '../src/handlers';

const SECRET = 'whsec_example_express_bullmq';

function post(app: Parameters<typeof request>[0], event: object, secret = SECRET) {
  const { body, headers } = signedRequest(event, secret);
  return request(app).post('/webhooks/vobiz').set(headers).send(body);
}

describeWithRedis('examples/express-bullmq: the web process enqueues, the worker process handles', () => {
  // Its own queue, so a run never sees another run's jobs; every key is deleted afterwards.
  const name = `vobiz-webhooks-test-example-express-bullmq-${randomUUID()}`;
  const handled: Handled[] = [];
  const listeners = new Set<() => void>();
  const opened: BullmqEventQueue[] = [];
  let worker: VobizEventWorker | undefined;

  // Each instance has its own in-memory dedupe unless given one, as separate web processes would.
  const webInstance = (dedupe = memoryDedupeStore()) => {
    const queue = bullmqQueue({ connection: REDIS_URL, name, logger: false });
    opened.push(queue);
    return { queue, app: createWebApp({ secret: SECRET, queue, dedupe, logger: false }) };
  };

  /** Resolves once the worker handled `eventId`, or fails the test after `timeoutMs`. */
  function handledOnce(eventId: string, timeoutMs = 10_000): Promise<Handled> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = handled.find((entry) => entry.eventId === eventId);
        if (found === undefined) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`the worker did not handle ${eventId} within ${timeoutMs} ms`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  }

  /** Waits until no job of the queue is waiting, running or scheduled for a retry. */
  async function drained(queue: BullmqEventQueue, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await queue.queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'completed',
        'failed',
      );
      if ((counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0) === 0)
        return counts;
      if (Date.now() > deadline) throw new Error(`the queue did not drain: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(() => {
    worker = createExampleWorker({
      connection: { url: REDIS_URL, maxRetriesPerRequest: null },
      name,
      logger: false,
      record: (entry) => {
        handled.push(entry);
        for (const listener of [...listeners]) listener();
      },
    });
  });

  afterAll(async () => {
    await worker?.close();
    await opened[0]?.queue.obliterate({ force: true });
    await Promise.all(opened.map(async (queue) => queue.close()));
    await deleteKeys(`bull:${name}:`);
  });

  test('a signed delivery is answered 200 once queued, and the worker runs its typed handler', async () => {
    const { app } = webInstance();
    const inbound = createTestEvent('message.inbound', { messageType: 'text' });
    const status = createTestEvent('message.status', { status: 'failed' });
    const call = createTestEvent('call.connect');

    for (const event of [inbound, status, call]) {
      const answer = await post(app, event);
      expect({ type: event.event_type, status: answer.status, body: answer.body }).toEqual({
        type: event.event_type,
        status: 200,
        body: { ok: true },
      });
    }

    expect(await handledOnce(inbound.event_id)).toEqual({
      eventType: 'message.inbound',
      eventId: inbound.event_id,
      lines: ['text from 16505551234: "Hola! ¿Tienen envío a Málaga? 🚚"'],
    });
    expect((await handledOnce(status.event_id)).lines).toEqual(['failed for 16505551234 (error 131049)']);
    expect((await handledOnce(call.event_id)).lines).toEqual(['call connect 16505551234 → 15550783881 (ringing)']);
  });

  test('a redelivery is 200 duplicate, a copy on another web instance is queued once: handled once', async () => {
    const first = webInstance();
    const second = webInstance();
    const event = createTestEvent('message.inbound', { messageType: 'image' });

    expect((await post(first.app, event)).body).toEqual({ ok: true });
    const again = await post(first.app, event);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ok: true, duplicate: true });
    // Another web process has not seen it: it enqueues, and the job id (from event_id) makes that a no-op.
    const elsewhere = await post(second.app, event);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toEqual({ ok: true });

    await handledOnce(event.event_id);
    await drained(first.queue);
    expect(handled.filter((entry) => entry.eventId === event.event_id)).toHaveLength(1);
    expect(await first.queue.queue.getJobState(jobIdFor(event.event_id))).toBe('completed');
  });

  test('a forged delivery is 401 and enqueues nothing', async () => {
    const { app, queue } = webInstance();
    const before = await drained(queue);
    const forged = createTestEvent('message.inbound');

    const answer = await post(app, forged, 'whsec_not_the_subscription_secret');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('invalid_signature');

    const { body, headers } = signedRequest(createTestEvent('message.status', { status: 'delivered' }), SECRET);
    const tampered = await request(app).post('/webhooks/vobiz').set(headers).send(body.replace('delivered', 'read'));
    expect(tampered.status).toBe(401);

    expect(await queue.queue.getJob(jobIdFor(forged.event_id))).toBeUndefined();
    expect(await drained(queue)).toEqual(before);
    expect(handled.some((entry) => entry.eventId === forged.event_id)).toBe(false);
  });

  test('the rest of the app still works: other routes pass through, other methods on the path get 405', async () => {
    const { app } = webInstance();
    expect((await request(app).get('/health')).body).toEqual({ ok: true });
    const get = await request(app).get('/webhooks/vobiz');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  test('Redis not taking the job within enqueueTimeoutMs is 503 queue_unavailable + Retry-After', async () => {
    // Nothing listens on port 1: the add is never answered, and Vobiz must retry. A short
    // disconnectTimeout, or ioredis keeps a refused socket's timer for 2 s after close().
    const unreachable = bullmqQueue({
      connection: { url: 'redis://127.0.0.1:1', disconnectTimeout: 50 },
      name,
      logger: false,
    });
    const dedupe = memoryDedupeStore();
    const app = createWebApp({ secret: SECRET, queue: unreachable, dedupe, enqueueTimeoutMs: 300, logger: false });
    try {
      const event = createTestEvent('message.inbound');
      const started = Date.now();
      const answer = await post(app, event);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.body.error.code).toBe('queue_unavailable');
      expect(Date.now() - started).toBeLessThan(2_000);

      // The claim was released: once the queue answers, the retry is queued and handled.
      const retried = await post(webInstance(dedupe).app, event);
      expect(retried.status).toBe(200);
      expect(retried.body).toEqual({ ok: true });
      await handledOnce(event.event_id);
    } finally {
      await unreachable.close();
    }
  });
});
