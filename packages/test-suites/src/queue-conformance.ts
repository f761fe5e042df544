import {
  memoryDedupeStore,
  statusesOf,
  type EventHandlers,
  type EventQueue,
  type QueueOptions,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import {
  delivery,
  expectOk,
  expectRefusal,
  gate,
  OTHER_SECRET,
  refusalsBeforeHandling,
  SECRET,
  withHeaders,
} from './conformance';
import { eventually } from './raw-http';
import type { MakeTarget, Target } from './target';

/*
 * The conformance suite in queue mode (docs/architecture.md, "Queues"): the receiver
 * verifies, validates, dedupes and enqueues; handlers run later in a worker. The answers
 * are those of inline mode, except that a handler's failure no longer reaches the sender
 * (the worker retries it), and an unusable queue is 503 queue_unavailable. Written against
 * a `QueueHarness`, so every queue backend runs the same promises.
 */

/** One test's own queue, empty, and a way to run workers on it. */
export interface QueueUnderTest {
  readonly queue: EventQueue;
  /** Starts a worker with these handlers; retries must come quickly (a backoff of a few ms). */
  startWorker(on: EventHandlers): Promise<{ close(): Promise<void> }>;
  /** Resolves once no job is waiting, delayed or running. */
  idle(): Promise<void>;
  /** How many jobs the queue holds, in any state. */
  jobCount(): Promise<number>;
  /** Closes the queue and every worker started on it, and deletes what they stored. */
  close(): Promise<void>;
}

export interface QueueHarness {
  open(): Promise<QueueUnderTest>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeQueueConformance(name: string, makeTarget: MakeTarget, harness: QueueHarness): void {
  describe(`${name}: queue-mode conformance`, () => {
    jest.setTimeout(30_000);
    let opened: Array<{ close(): Promise<void> }> = [];

    afterEach(async () => {
      const closing = opened.reverse();
      opened = [];
      for (const item of closing) await item.close();
    });

    async function queueUnderTest(): Promise<QueueUnderTest> {
      const made = await harness.open();
      opened.push(made);
      return made;
    }

    /** A receiver in queue mode on `queue`; the test's options win over the quiet defaults. */
    async function target(queue: EventQueue, options: Partial<QueueOptions> = {}): Promise<Target> {
      const made = await makeTarget({ secret: SECRET, logger: false, queue, ...options });
      opened.push({ close: async () => made.close?.() });
      return made;
    }

    /** A queue, a receiver on it, and a worker whose handlers record what they see, by key. */
    async function recording(options: Partial<QueueOptions> = {}, queueFor?: (inner: EventQueue) => EventQueue) {
      const under = await queueUnderTest();
      const seen: Array<{ key: string; event: VobizEvent }> = [];
      const record = (key: string) => (event: VobizEvent) => void seen.push({ key, event });
      await under.startWorker({
        'message.inbound': record('message.inbound'),
        'message.status': record('message.status'),
        'call.connect': record('call.connect'),
        'call.*': record('call.*'),
        '*': record('*'),
      });
      const t = await target(queueFor ? queueFor(under.queue) : under.queue, options);
      return { under, target: t, seen, keys: () => seen.map((entry) => entry.key) };
    }

    describe('acknowledged once queued, handled in the worker', () => {
      it('200 {ok:true}, and the worker gets the event as sent, through its handlers in order', async () => {
        const { under, target: t, seen } = await recording();
        const event = createTestEvent('message.inbound');
        expectOk(await t.send(delivery(event)));
        await eventually(() => expect(seen).toHaveLength(2));
        expect(seen.map((entry) => entry.key)).toEqual(['message.inbound', '*']);
        expect(seen[0]?.event).toEqual(JSON.parse(JSON.stringify(event)));
        await under.idle();
        expect(await under.jobCount()).toBe(1);
      });

      it.each([
        ['message.status', ['message.status', '*']],
        ['call.connect', ['call.connect', 'call.*', '*']],
        ['call.terminate', ['call.*', '*']],
        ['template.category_update', ['*']],
      ])('routes %s to %j, as inline mode does', async (type, expected) => {
        const { under, target: t, keys } = await recording();
        expectOk(await t.send(delivery(createTestEvent(type))));
        await eventually(() => expect(keys()).toHaveLength(expected.length));
        await under.idle();
        expect(keys()).toEqual(expected);
      });

      it('200 without an X-Webhook-Event header: the body decides the route', async () => {
        const { target: t, keys } = await recording();
        expectOk(
          await t.send(withHeaders(delivery(createTestEvent('message.status')), { 'x-webhook-event': undefined })),
        );
        await eventually(() => expect(keys()).toEqual(['message.status', '*']));
      });

      it('an event no handler matches is still queued (the worker decides) and completes with nothing run', async () => {
        const under = await queueUnderTest();
        const calls: string[] = [];
        await under.startWorker({ 'message.inbound': (event) => void calls.push(event.event_id) });
        const t = await target(under.queue);
        expectOk(await t.send(delivery(createTestEvent('message.status'))));
        await under.idle();
        expect(await under.jobCount()).toBe(1);
        expect(calls).toEqual([]);
      });

      it('a handler failing twice does not reach the sender: 200, and the worker retries it until it succeeds', async () => {
        const under = await queueUnderTest();
        let calls = 0;
        await under.startWorker({
          'message.status': () => {
            calls++;
            if (calls <= 2) throw new Error(`transient failure ${calls}`);
          },
        });
        const t = await target(under.queue);
        expectOk(await t.send(delivery(createTestEvent('message.status'))));
        await eventually(() => expect(calls).toBe(3));
        await under.idle();
        expect(calls).toBe(3);
      });

      it('payloads reach the worker byte-exact: a byte order mark, emoji and accents, raw Uint8Array bytes', async () => {
        const { under, target: t, seen } = await recording();
        const withBom = createTestEvent('message.inbound');
        const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(JSON.stringify(withBom))]);
        const accented = createTestEvent('message.status', { shape: 'value' });
        (accented.payload as Record<string, unknown>).note = 'Olá 👋🏽 Málaga, São Paulo, 北京';
        expectOk(await t.send(delivery(bom)));
        expectOk(await t.send(delivery(new TextEncoder().encode(JSON.stringify(accented)))));
        await eventually(() => expect(seen).toHaveLength(4));
        await under.idle();
        const byId = (id: string) => seen.find((entry) => entry.event.event_id === id)?.event;
        expect(byId(withBom.event_id)).toEqual(withBom);
        expect(byId(accented.event_id)).toEqual(accented);
      });
    });

    describe('dedupe', () => {
      it('a copy of a queued event is 200 {duplicate:true}: one job, the handler runs once', async () => {
        const { under, target: t, keys } = await recording();
        const event = createTestEvent('message.inbound');
        expectOk(await t.send(delivery(event)));
        expectOk(await t.send(delivery(event)), true);
        expectOk(await t.send(delivery(event)), true);
        await eventually(() => expect(keys()).toHaveLength(2));
        await under.idle();
        expect(await under.jobCount()).toBe(1);
        expect(keys()).toEqual(['message.inbound', '*']);
      });

      it('409 in_progress with Retry-After while the first copy is being enqueued, then the duplicate 200', async () => {
        const adding = gate();
        const started = gate();
        const {
          under,
          target: t,
          keys,
        } = await recording({}, (inner) => ({
          enqueue: async (event, key, options) => {
            started.open();
            await adding.promise;
            return inner.enqueue(event, key, options);
          },
        }));
        const event = createTestEvent('message.inbound');
        const first = t.send(delivery(event));
        await started.promise;
        const second = await t.send(delivery(event));
        expectRefusal(second, 409, 'in_progress');
        expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
        adding.open();
        expectOk(await first);
        expectOk(await t.send(delivery(event)), true);
        await eventually(() => expect(keys()).toHaveLength(2));
        await under.idle();
        expect(await under.jobCount()).toBe(1);
      });

      it('50 simultaneous copies: one job and one run; every other copy is 409 in_progress or the duplicate 200', async () => {
        const { under, target: t, keys } = await recording();
        const request = delivery(createTestEvent('message.inbound'));
        const responses = await Promise.all(Array.from({ length: 50 }, () => t.send(request)));
        const queued = responses.filter(
          (r) => r.status === 200 && r.body?.ok === true && r.body.duplicate === undefined,
        );
        expect(queued).toHaveLength(1);
        for (const response of responses) {
          if (response === queued[0]) continue;
          if (response.status === 409) expectRefusal(response, 409, 'in_progress');
          else expectOk(response, true);
        }
        await eventually(() => expect(keys()).toHaveLength(2));
        await under.idle();
        expect(await under.jobCount()).toBe(1);
        expect(keys()).toEqual(['message.inbound', '*']);
      });

      it('two receivers with their own dedupe memory on one queue: both 200, one job (its id is the key), one run', async () => {
        const { under, target: first, keys } = await recording({ dedupe: memoryDedupeStore() });
        const second = await target(under.queue, { dedupe: memoryDedupeStore() });
        const event = createTestEvent('message.inbound');
        expectOk(await first.send(delivery(event)));
        expectOk(await second.send(delivery(event)));
        await under.idle();
        expect(await under.jobCount()).toBe(1);
        expect(keys()).toEqual(['message.inbound', '*']);
      });

      it('dedupe: false answers every copy 200 {ok:true}, and the job id still queues the event once', async () => {
        const { under, target: t, keys } = await recording({ dedupe: false });
        const event = createTestEvent('message.status');
        expectOk(await t.send(delivery(event)));
        expectOk(await t.send(delivery(event)));
        await under.idle();
        expect(await under.jobCount()).toBe(1);
        expect(keys()).toEqual(['message.status', '*']);
      });

      it('dedupeKey dedupes by content: the same status under two event ids is queued once', async () => {
        const {
          under,
          target: t,
          keys,
        } = await recording({
          dedupeKey: (event) =>
            statusesOf(event)
              .map((s) => `${s.id}:${s.status}`)
              .join('|') || event.event_id,
        });
        const first = createTestEvent('message.status', { status: 'read' });
        expectOk(await t.send(delivery(first)));
        expectOk(await t.send(delivery({ ...first, event_id: crypto.randomUUID() })), true);
        await under.idle();
        expect(await under.jobCount()).toBe(1);
        expect(keys()).toEqual(['message.status', '*']);
      });
    });

    describe('an unusable queue', () => {
      it('the enqueue rejects: 503 queue_unavailable with Retry-After, nothing queued; the retry is queued and run once', async () => {
        let down = true;
        const {
          under,
          target: t,
          keys,
        } = await recording({}, (inner) => ({
          enqueue: async (event, key, options) =>
            down ? Promise.reject(new Error('connect ECONNREFUSED')) : inner.enqueue(event, key, options),
        }));
        const event = createTestEvent('message.inbound');
        const refused = await t.send(delivery(event));
        expectRefusal(refused, 503, 'queue_unavailable');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(await under.jobCount()).toBe(0);
        down = false;
        expectOk(await t.send(delivery(event)));
        await eventually(() => expect(keys()).toHaveLength(2));
        await under.idle();
        expect(keys()).toEqual(['message.inbound', '*']);
      });

      it('no answer within enqueueTimeoutMs: 503; the late enqueue lands, and the retry finds the same job', async () => {
        let calls = 0;
        const {
          under,
          target: t,
          keys,
        } = await recording({ enqueueTimeoutMs: 200 }, (inner) => ({
          enqueue: async (event, key, options) => {
            if (++calls === 1) await sleep(600);
            return inner.enqueue(event, key, options);
          },
        }));
        const event = createTestEvent('message.inbound');
        const sentAt = Date.now();
        expectRefusal(await t.send(delivery(event)), 503, 'queue_unavailable');
        expect(Date.now() - sentAt).toBeLessThan(1_000);
        await eventually(async () => expect(await under.jobCount()).toBe(1));
        expectOk(await t.send(delivery(event)));
        await eventually(() => expect(keys()).toHaveLength(2));
        await under.idle();
        expect(await under.jobCount()).toBe(1);
        expect(keys()).toEqual(['message.inbound', '*']);
      });
    });

    describe('refusals queue nothing', () => {
      // The one table of refusals decided before the enqueue, shared with the inline suite.
      const rows = refusalsBeforeHandling;

      it.each(rows)(
        '$status $code when $situation, and no job is queued',
        async ({ status, code, options, request }) => {
          const { under, target: t, seen } = await recording(options);
          const response = await t.send(request());
          expectRefusal(response, status, code);
          if (status === 503) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
          expect(await under.jobCount()).toBe(0);
          expect(seen).toEqual([]);
        },
      );

      it('405 method_not_allowed with Allow: POST for GET, PUT and DELETE', async () => {
        const { under, target: t } = await recording();
        for (const method of ['GET', 'PUT', 'DELETE']) {
          const request = method === 'GET' ? { method } : { ...delivery(createTestEvent('message.inbound')), method };
          const response = await t.send(request);
          expectRefusal(response, 405, 'method_not_allowed');
          expect(response.headers.allow).toBe('POST');
        }
        expect(await under.jobCount()).toBe(0);
      });

      it('never puts the secret in an answer or a log line', async () => {
        const lines: string[] = [];
        const logger = {
          warn: (...args: unknown[]) => void lines.push(args.map(String).join(' ')),
          error: (...args: unknown[]) => void lines.push(args.map(String).join(' ')),
        };
        const { target: t } = await recording({ logger }, () => ({
          enqueue: () => Promise.reject(new Error('queue down')),
        }));
        const answers = [
          await t.send(delivery(createTestEvent('message.inbound'), OTHER_SECRET)),
          await t.send(delivery('not json')),
          await t.send(delivery(createTestEvent('message.inbound'))),
        ];
        expect(answers.map((answer) => answer.status)).toEqual([401, 400, 503]);
        expect(lines.length).toBeGreaterThan(0);
        expect([...lines, ...answers.map((answer) => JSON.stringify(answer))].join('\n')).not.toContain(SECRET);
      });
    });
  });
}
