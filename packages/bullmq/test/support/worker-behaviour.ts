import { createReceiver, type EventHandlers, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { completedHandlers, createWorker, jobIdFor, type CreateWorkerOptions } from '@vobiz-webhooks/bullmq';
import { eventually } from '@vobiz-webhooks/test-suites';
import { openQueue, QUICK_STALLS, type Backend } from './harness';

const SECRET = 'whsec_worker_behaviour';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** What every backend's worker owes: retries, the failed set, skipping completed handlers, closing. */
export function describeWorkerBehaviour<C>(label: string, target: Backend<C>): void {
  describe(`${label}: the worker`, () => {
    jest.setTimeout(30_000);
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setUp(jobOptions = {}) {
      const under = await openQueue(target, 'worker');
      cleanups.push(() => under.close());
      const name = under.events.queue.name;
      const receiver = createReceiver({ secret: SECRET, logger: false, queue: under.events });
      const deliver = async (event: object) => {
        const { body, headers } = signedRequest(event, SECRET);
        return receiver.receive({ method: 'POST', headers, rawBody: body });
      };
      const worker = (on: EventHandlers, options: Partial<CreateWorkerOptions<C>> = {}) => {
        const made = createWorker<C>({
          connection: target.connection,
          name,
          on,
          logger: false,
          ...(target.backend ? { backend: target.backend } : {}),
          ...QUICK_STALLS,
          ...options,
        } as CreateWorkerOptions<C>);
        cleanups.push(() => made.close());
        return made;
      };
      const add = (event: VobizEvent) =>
        under.events.queue.add(
          event.event_type,
          { event, key: event.event_id },
          { jobId: jobIdFor(event.event_id), ...jobOptions },
        );
      return { under, deliver, worker, add, queue: under.events.queue };
    }

    it('runs only the handlers that did not complete: a failing handler is retried, the others ran once', async () => {
      const { deliver, worker, queue, under } = await setUp();
      const runs: string[] = [];
      let failures = 2;
      worker({
        'message.inbound': () => void runs.push('message.inbound'),
        '*': () => {
          runs.push('*');
          if (failures-- > 0) throw new Error('downstream timeout');
        },
      });
      const event = createTestEvent('message.inbound');
      expect((await deliver(event)).status).toBe(200);
      await eventually(() => expect(runs.filter((key) => key === '*')).toHaveLength(3));
      await under.idle();
      expect(runs.filter((key) => key === 'message.inbound')).toHaveLength(1);
      const job = await queue.getJob(jobIdFor(event.event_id));
      expect(await job?.getState()).toBe('completed');
      // 'message.inbound' was recorded when it finished beside the failing '*'; the retries
      // ran '*' alone, and a lone handler's record is the job's own completion.
      expect(completedHandlers(job?.progress)).toEqual(['message.inbound']);
    });

    it('a re-run of a job whose progress records a completed handler skips it (what a crash recovery does)', async () => {
      const { worker, add, under } = await setUp();
      const event = createTestEvent('call.connect');
      const job = await add(event);
      await job.updateProgress({ completedHandlers: ['call.connect', 'call.*'] });
      const runs: string[] = [];
      worker({
        'call.connect': () => void runs.push('call.connect'),
        'call.*': () => void runs.push('call.*'),
        '*': () => void runs.push('*'),
      });
      await eventually(() => expect(runs).toEqual(['*']));
      await under.idle();
      expect(runs).toEqual(['*']);
    });

    it('a handler failing 3 times then succeeding is retried with exponential backoff and succeeds', async () => {
      const { worker, add, queue, under } = await setUp({ attempts: 5, backoff: { type: 'exponential', delay: 60 } });
      const attempts: number[] = [];
      worker({
        'message.status': () => {
          attempts.push(Date.now());
          if (attempts.length <= 3) throw new Error(`failure ${attempts.length}`);
        },
      });
      const event = createTestEvent('message.status');
      await add(event);
      await eventually(() => expect(attempts).toHaveLength(4));
      await under.idle();
      const gaps = attempts.slice(1).map((at, index) => at - (attempts[index] as number));
      // 60, 120, 240 ms: each wait at least the backoff, doubling.
      expect(gaps[0]).toBeGreaterThanOrEqual(55);
      expect(gaps[1]).toBeGreaterThanOrEqual(115);
      expect(gaps[2]).toBeGreaterThanOrEqual(235);
      const job = await queue.getJob(jobIdFor(event.event_id));
      expect({ state: await job?.getState(), attemptsMade: job?.attemptsMade }).toEqual({
        state: 'completed',
        attemptsMade: 4,
      });
    });

    it('a handler that always fails lands in the failed set after the last attempt; onFailed runs once', async () => {
      const { worker, add, queue } = await setUp({ attempts: 3, backoff: { type: 'fixed', delay: 10 } });
      const failed: Array<{ event: VobizEvent; error: Error }> = [];
      let calls = 0;
      worker(
        {
          'message.inbound': () => {
            calls++;
            throw new Error('the CRM rejects this contact');
          },
          '*': () => undefined,
        },
        { onFailed: (event, error) => void failed.push({ event, error }) },
      );
      const event = createTestEvent('message.inbound');
      await add(event);
      await eventually(() => expect(failed).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(failed).toHaveLength(1);
      expect(calls).toBe(3);
      expect(failed[0]?.event).toEqual(event);
      expect(failed[0]?.error.message).toBe("handler 'message.inbound': the CRM rejects this contact");
      const [job, ...others] = await queue.getFailed();
      expect(others).toEqual([]);
      expect(job?.id).toBe(jobIdFor(event.event_id));
      expect(job?.attemptsMade).toBe(3);
      expect(job?.failedReason).toBe("handler 'message.inbound': the CRM rejects this contact");
      expect(completedHandlers(job?.progress)).toEqual(['*']);
    });

    it('a job that is not an event ({ event, key }) fails at once, without running a handler', async () => {
      const { worker, queue } = await setUp();
      const runs: string[] = [];
      worker({ '*': () => void runs.push('*') });
      await queue.add('message.inbound', { hello: 'world' } as never, { attempts: 5 });
      await eventually(async () => expect(await queue.getFailedCount()).toBe(1));
      const [job] = await queue.getFailed();
      expect(job?.attemptsMade).toBe(1);
      expect(job?.failedReason).toMatch(/is not a vobiz-webhooks event/);
      expect(runs).toEqual([]);
    });

    it('close() waits for a running handler, and takes no new job', async () => {
      const { worker, add, queue } = await setUp();
      const started = gate();
      const release = gate();
      const runs: string[] = [];
      const made = worker(
        {
          '*': async (event) => {
            runs.push(event.event_id);
            started.open();
            await release.promise;
          },
        },
        { concurrency: 1 },
      );
      const first = createTestEvent('message.inbound');
      await add(first);
      await started.promise;
      let closed = false;
      const closing = made.close().then(() => {
        closed = true;
      });
      const second = createTestEvent('message.inbound');
      await add(second);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(closed).toBe(false);
      release.open();
      await closing;
      expect(runs).toEqual([first.event_id]);
      expect(await (await queue.getJob(jobIdFor(first.event_id)))?.getState()).toBe('completed');
      expect(await (await queue.getJob(jobIdFor(second.event_id)))?.getState()).toBe('waiting');
    });
  });
}
