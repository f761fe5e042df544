import {
  createMetaReceiver,
  createReceiver,
  type EnqueueOptions,
  type EventQueue,
  type QueueOptions,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

// Queue mode in core, against a queue held in memory: the receiver's side of the contract
// (acknowledge only after the enqueue resolved, 503 and a released claim otherwise). The
// BullMQ queue itself is tested against real Redis servers in @vobiz-webhooks/bullmq.

const SECRET = 'whsec_queue_mode_unit_71c2';

function memoryQueue(behaviour: (event: VobizEvent) => Promise<void> = async () => undefined) {
  const queued: Array<{ event: VobizEvent; key: string; options?: EnqueueOptions }> = [];
  const queue: EventQueue = {
    async enqueue(event, key, options) {
      await behaviour(event);
      queued.push({ event, key, ...(options === undefined ? {} : { options }) });
    },
  };
  return { queue, queued };
}

const receiverWith = (options: Partial<QueueOptions> & Pick<QueueOptions, 'queue'>) =>
  createReceiver({ secret: SECRET, logger: false, ...options });

const signed = (event: object = createTestEvent('message.inbound')) => {
  const { body, headers } = signedRequest(event, SECRET);
  return { method: 'POST', headers, rawBody: body };
};

describe('queue mode', () => {
  it("tells the queue how long to remember each event: the receiver's dedupeTtlMs (Meta's 7 days by default)", async () => {
    const HOUR = 3_600_000;
    const WINDOW = 5 * 60_000;
    const vobiz = memoryQueue();
    await receiverWith({ queue: vobiz.queue }).receive(signed());
    const longer = memoryQueue();
    await receiverWith({ queue: longer.queue, dedupeTtlMs: 72 * HOUR }).receive(signed());
    const meta = memoryQueue();
    const metaBody = signedRequest(createTestEvent('message.inbound', { format: 'meta' }), SECRET);
    await createMetaReceiver({ appSecret: SECRET, verifyToken: 'v', logger: false, queue: meta.queue }).receive({
      method: 'POST',
      headers: metaBody.headers,
      rawBody: metaBody.body,
    });
    expect([vobiz, longer, meta].map(({ queued }) => queued.map(({ options }) => options))).toEqual([
      [{ keepMs: 48 * HOUR + WINDOW }],
      [{ keepMs: 72 * HOUR }],
      [{ keepMs: 7 * 24 * HOUR + WINDOW }],
    ]);
  });

  it('answers 200 once the event is queued, with its dedupe key', async () => {
    const { queue, queued } = memoryQueue();
    const event = createTestEvent('message.inbound');
    const result = await receiverWith({ queue }).receive(signed(event));
    expect({ status: result.status, body: JSON.parse(result.body) }).toEqual({ status: 200, body: { ok: true } });
    expect(queued).toEqual([{ event, key: event.event_id, options: { keepMs: 48 * 3_600_000 + 5 * 60_000 } }]);
  });

  it('queues every event type, also ones no handler in this process could know', async () => {
    const { queue, queued } = memoryQueue();
    const receiver = receiverWith({ queue });
    for (const type of ['message.status', 'call.connect', 'account.update']) {
      expect((await receiver.receive(signed(createTestEvent(type)))).status).toBe(200);
    }
    expect(queued.map((entry) => entry.event.event_type)).toEqual(['message.status', 'call.connect', 'account.update']);
  });

  it('queues a duplicate once: the copy is answered as a duplicate', async () => {
    const { queue, queued } = memoryQueue();
    const receiver = receiverWith({ queue });
    const event = createTestEvent('message.inbound');
    expect(JSON.parse((await receiver.receive(signed(event))).body)).toEqual({ ok: true });
    expect(JSON.parse((await receiver.receive(signed(event))).body)).toEqual({ ok: true, duplicate: true });
    expect(queued).toHaveLength(1);
  });

  it('uses dedupeKey for the key the queue gets, also without a dedupe store', async () => {
    const { queue, queued } = memoryQueue();
    const event = createTestEvent('message.status');
    await receiverWith({ queue, dedupe: false, dedupeKey: (e) => `status:${e.event_id}` }).receive(signed(event));
    expect(queued.map((entry) => entry.key)).toEqual([`status:${event.event_id}`]);
  });

  it('a failing queue is 503 queue_unavailable with Retry-After, and the retry is queued', async () => {
    let down = true;
    const { queue, queued } = memoryQueue(async () => {
      if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    });
    const receiver = receiverWith({ queue });
    const event = createTestEvent('message.inbound');
    const refused = await receiver.receive(signed(event));
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(JSON.parse(refused.body).error.code).toBe('queue_unavailable');
    expect(refused.body).not.toContain('ECONNREFUSED');
    down = false;
    expect((await receiver.receive(signed(event))).status).toBe(200);
    expect(queued).toHaveLength(1);
  });

  it('a queue that does not answer is 503 within enqueueTimeoutMs, and the claim is released', async () => {
    let hang = true;
    const { queue, queued } = memoryQueue(() => (hang ? new Promise<void>(() => undefined) : Promise.resolve()));
    const receiver = receiverWith({ queue, enqueueTimeoutMs: 50 });
    const event = createTestEvent('message.inbound');
    const started = Date.now();
    const refused = await receiver.receive(signed(event));
    expect(refused.error?.code).toBe('queue_unavailable');
    expect(Date.now() - started).toBeLessThan(2_000);
    hang = false;
    expect((await receiver.receive(signed(event))).status).toBe(200);
    expect(queued).toHaveLength(1);
  });

  it('refuses `queue` together with `on`, saying where handlers go', () => {
    const { queue } = memoryQueue();
    expect(() =>
      createReceiver({ secret: SECRET, queue, on: { '*': () => undefined } } as unknown as QueueOptions),
    ).toThrow(/handlers run in the worker: pass `on` to createWorker/);
  });

  it('refuses a queue without enqueue, and enqueueTimeoutMs without a queue', () => {
    expect(() => createReceiver({ secret: SECRET, queue: {} as EventQueue })).toThrow(/`queue` must be an EventQueue/);
    expect(() => createReceiver({ secret: SECRET, queue: memoryQueue().queue, enqueueTimeoutMs: Infinity })).toThrow(
      /`enqueueTimeoutMs` must be a positive whole number/,
    );
    // Past the longest a timer waits, setTimeout would fire at once: every enqueue would be refused.
    expect(() => createReceiver({ secret: SECRET, queue: memoryQueue().queue, enqueueTimeoutMs: 2 ** 31 })).toThrow(
      /at most 2147483647, the longest a JavaScript timer waits/,
    );
    expect(() => createReceiver({ secret: SECRET, on: {}, enqueueTimeoutMs: 100 } as unknown as QueueOptions)).toThrow(
      /`enqueueTimeoutMs` is for queue mode/,
    );
  });
});
