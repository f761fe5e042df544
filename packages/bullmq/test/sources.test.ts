import {
  createMetaReceiver,
  createReceiver,
  memoryDedupeStore,
  messagesOf,
  statusesOf,
  type DedupeStore,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { createWorker } from '@vobiz-webhooks/bullmq';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { describeWithRedis, eventually, REDIS_URL } from '@vobiz-webhooks/test-suites';
import { openQueue, redisBackend } from './support/harness';

const SECRET = 'whsec_sources_5d1c';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Each `complete` the worker's store is asked for, with its ttl. */
const completions: { key: string; ttlMs: number }[] = [];
function recordingStore(): DedupeStore {
  const store = memoryDedupeStore({ logger: false });
  return {
    claim: (key, leaseMs, token) => store.claim(key, leaseMs, token),
    complete: (key, ttlMs, token) => {
      completions.push({ key, ttlMs });
      return store.complete(key, ttlMs, token);
    },
    release: (key, token) => store.release(key, token),
  };
}
const APP_SECRET = 'meta_app_secret_77a1';

/** A Meta body batching two messages and a status in one entry, as Meta posts it. */
function metaBatch() {
  const body = createTestEvent('message.inbound', { format: 'meta' });
  const value = body.entry[0]!.changes[0]!.value;
  const first = value.messages![0]!;
  value.messages = [first, { ...first, id: `${first.id}-second`, text: { body: 'second' } }];
  value.statuses = createTestEvent('message.status', { format: 'meta' }).entry[0]!.changes[0]!.value.statuses!;
  return body;
}

// Queue mode serves every source: each item of a Meta body is its own job, handled once by
// the worker, and an event of Vobiz's earlier envelope reaches the worker with its mapping
// and its original body.
describeWithRedis('queue mode with every source (BullMQ on Redis)', () => {
  it("queues one job per item of a Meta body, and Meta's resend queues none", async () => {
    const harness = await openQueue(redisBackend, 'meta');
    try {
      const receiver = createMetaReceiver({
        appSecret: APP_SECRET,
        verifyToken: 'v',
        queue: harness.queue,
        logger: false,
      });
      const signed = signedRequest(metaBatch(), APP_SECRET);
      const send = () => receiver.receive({ method: 'POST', headers: signed.headers, rawBody: signed.body });

      expect((await send()).status).toBe(200);
      expect(await harness.jobCount()).toBe(3);
      expect((await send()).body).toBe('{"ok":true,"duplicate":true}');
      expect(await harness.jobCount()).toBe(3);

      const seen: VobizEvent[] = [];
      await harness.startWorker({ '*': (event) => void seen.push(event) });
      await harness.idle();
      expect(seen.map((event) => [event.event_type, event.source]).sort()).toEqual([
        ['message.inbound', 'meta'],
        ['message.inbound', 'meta'],
        ['message.status', 'meta'],
      ]);
      for (const event of seen) expect(messagesOf(event).length + statusesOf(event).length).toBe(1);
    } finally {
      await harness.close();
    }
  });

  it("keeps Meta's jobs, and the worker's handler records, for Meta's 7-day window, not the queue's 48 h", async () => {
    const harness = await openQueue(redisBackend, 'meta-window');
    const WINDOW_MS = 7 * 24 * HOUR + 5 * MINUTE;
    const worker = createWorker({
      connection: REDIS_URL,
      name: harness.events.queue.name,
      on: { '*': () => undefined },
      dedupe: recordingStore(),
      logger: false,
    });
    try {
      const meta = createMetaReceiver({ appSecret: APP_SECRET, verifyToken: 'v', queue: harness.queue, logger: false });
      const vobiz = createReceiver({ secret: SECRET, queue: harness.queue, logger: false });
      const signedMeta = signedRequest(createTestEvent('message.inbound', { format: 'meta' }), APP_SECRET);
      const signedVobiz = signedRequest(createTestEvent('message.inbound'), SECRET);
      expect(
        (await meta.receive({ method: 'POST', headers: signedMeta.headers, rawBody: signedMeta.body })).status,
      ).toBe(200);
      expect(
        (await vobiz.receive({ method: 'POST', headers: signedVobiz.headers, rawBody: signedVobiz.body })).status,
      ).toBe(200);

      const jobs = await harness.events.queue.getJobs(['waiting', 'active', 'completed']);
      const kept = Object.fromEntries(
        jobs.map((job) => [
          job.data.event.source,
          { age: (job.opts.removeOnComplete as { age: number }).age, keepMs: job.data.keepMs },
        ]),
      );
      // The job id dedupes across instances only while the finished job is kept.
      expect(kept).toEqual({
        meta: { age: WINDOW_MS / 1000, keepMs: WINDOW_MS },
        vobiz: { age: (48 * HOUR + 5 * MINUTE) / 1000, keepMs: 48 * HOUR + 5 * MINUTE },
      });

      await harness.idle();
      await eventually(() =>
        expect(completions.map(({ ttlMs }) => ttlMs).sort((a, b) => a - b)).toEqual([
          48 * HOUR + 5 * MINUTE,
          WINDOW_MS,
        ]),
      );
    } finally {
      await worker.close();
      await harness.close();
    }
  });

  it("hands the worker an event of Vobiz's earlier envelope mapped, with its original body", async () => {
    const harness = await openQueue(redisBackend, 'legacy');
    try {
      const receiver = createReceiver({ secret: SECRET, queue: harness.queue, logger: false });
      const body = createTestEvent('message.delivered', { format: 'vobiz-legacy' });
      const signed = signedRequest(body, SECRET, { encoding: 'base64' });
      expect((await receiver.receive({ method: 'POST', headers: signed.headers, rawBody: signed.body })).status).toBe(
        200,
      );

      const seen: VobizEvent[] = [];
      await harness.startWorker({ 'message.status': (event) => void seen.push(event) });
      await harness.idle();
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ event_id: body.event_id, source: 'vobiz-legacy', legacy: body });
      expect(statusesOf(seen[0]!)).toEqual([
        expect.objectContaining({ id: body.data['message_id'], status: 'delivered' }),
      ]);
    } finally {
      await harness.close();
    }
  });
});
