import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import type { VobizEvent } from '@vobiz-webhooks/core';
import {
  bullmqQueue,
  createWorker,
  jobIdFor,
  type BullmqEventQueue,
  type VobizEventWorker,
} from '@vobiz-webhooks/bullmq';
import { eventually, freePort } from '@vobiz-webhooks/test-suites';
import { REDIS_URL, describeWithRedis } from '@vobiz-webhooks/test-suites';
import { run } from '../src/run';
import { runBin } from './support/bin';
import { ensureBuiltQueueBin } from './support/queue-bin';

jest.setTimeout(60_000);

/** The command line in this process, with its output captured. */
async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    stdin: new PassThrough(),
    env,
  });
  return { code, stdout, stderr };
}

describe('vobiz-webhooks queue: arguments', () => {
  it.each([
    [['queue']],
    [['queue', 'nope']],
    [['queue', 'retry']],
    [['queue', 'retry', '--all', 'evt_1']],
    [['queue', 'failed', 'extra']],
    [['queue', 'failed', '--redis', 'http://localhost:6379']],
    [['queue', 'failed', '--name', 'a:b']],
    [['queue', 'failed', '--timeout', '0']],
    [['queue', 'failed', '--bogus']],
  ])('%j is a usage error (exit 2) that points to --help', async (args) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: .+\nSee: vobiz-webhooks queue --help\n$/);
  });

  it.each([[['queue', '--help']], [['help', 'queue']], [['queue', 'failed', '--help']], [['queue', 'retry', '-h']]])(
    '%j prints its usage and exits 0',
    async (args) => {
      const { code, stdout } = await cli(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: vobiz-webhooks queue/);
    },
  );

  it('the main help lists the queue commands', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/queue failed[\s\S]*queue retry \[--all \| <event_id>\]/);
  });

  it('an unreachable Redis is exit 1 within --timeout, and the URL is printed without its password', async () => {
    const port = await freePort();
    const startedAt = Date.now();
    const { code, stderr } = await cli([
      'queue',
      'failed',
      '--redis',
      `redis://admin:s3cret-pw@127.0.0.1:${port}`,
      '--timeout',
      '1000',
    ]);
    expect(code).toBe(1);
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(stderr).toMatch(/^error: .*127\.0\.0\.1/);
    expect(stderr).not.toContain('s3cret-pw');
  });
});

describeWithRedis('vobiz-webhooks queue: failed and retry, on a real Redis', () => {
  const name = `vobiz-cli-test-${randomUUID()}`;
  const target = ['--redis', REDIS_URL, '--name', name];
  let events: BullmqEventQueue;
  let worker: VobizEventWorker;
  let broken = true;
  const runs: string[] = [];
  const failed: string[] = [];
  const first = createTestEvent('message.inbound');
  const second = createTestEvent('message.inbound');

  beforeAll(async () => {
    events = bullmqQueue({
      connection: REDIS_URL,
      name,
      logger: false,
      jobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 5 } },
    });
    worker = createWorker({
      connection: REDIS_URL,
      name,
      logger: false,
      on: {
        'message.inbound': (event: VobizEvent) => {
          runs.push(`message.inbound ${event.event_id}`);
          // An error message is the handler's, so the CLI must print it escaped.
          if (broken) throw new Error('CRM down \u001b[31m\nforged line');
        },
        '*': (event) => void runs.push(`* ${event.event_id}`),
      },
      onFailed: (event) => void failed.push(event.event_id),
    });
    for (const event of [first, second]) await events.enqueue(event, event.event_id);
    await eventually(() => expect(failed.sort()).toEqual([first.event_id, second.event_id].sort()));
  });

  afterAll(async () => {
    await worker.close();
    await events.queue.obliterate({ force: true });
    await events.close();
  });

  it('queue failed lists each failed event: id, type, attempts, when, the last error (escaped)', async () => {
    const { code, stdout, stderr } = await cli(['queue', 'failed', ...target]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^EVENT ID\s+TYPE\s+ATTEMPTS\s+FAILED AT\s+LAST ERROR$/);
    for (const event of [first, second]) {
      const row = lines.find((line) => line.startsWith(event.event_id));
      expect(row).toMatch(
        / message\.inbound {2}2 +\d{4}-\d\d-\d\dT[\d:.]+Z {2}handler 'message\.inbound': CRM down \\x1b\[31m\\nforged line$/,
      );
    }
    expect(stdout).not.toContain('\u001b');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(`2 failed in queue '${name}'.`);
  });

  it('queue retry <event_id> runs only the handlers that had not completed; an unknown id is exit 1', async () => {
    broken = false;
    runs.length = 0;
    const { code, stdout } = await cli(['queue', 'retry', first.event_id, ...target]);
    expect(code).toBe(0);
    expect(stdout).toBe(`retried ${first.event_id} (message.inbound)\n1 retried in queue '${name}'.\n`);
    await eventually(async () =>
      expect(await (await events.queue.getJob(jobIdFor(first.event_id)))?.getState()).toBe('completed'),
    );
    expect(runs).toEqual([`message.inbound ${first.event_id}`]);
    const missing = await cli(['queue', 'retry', 'evt_nobody', ...target]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`error: no failed job for event evt_nobody in queue '${name}'.\n`);
  });

  it('the built bin lists the failed set too, then queue retry --all empties it', async () => {
    ensureBuiltQueueBin();
    const listed = await runBin(['queue', 'failed', ...target]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(second.event_id);
    expect(listed.stdout).toContain(`1 failed in queue '${name}'.`);
    const retried = await runBin(['queue', 'retry', '--all', ...target]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`retried ${second.event_id} (message.inbound)`);
    await eventually(async () => expect(await events.queue.getFailedCount()).toBe(0));
    await eventually(async () => expect(await events.queue.getCompletedCount()).toBe(2));
    expect((await cli(['queue', 'failed', ...target])).stdout).toBe(`No failed events in queue '${name}'.\n`);
    expect(failed).toHaveLength(2);
  });
});
