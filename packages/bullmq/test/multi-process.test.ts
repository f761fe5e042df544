import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { redisServerInstalled, startPrivateRedis, type PrivateRedis } from '@vobiz-webhooks/test-suites';
import { describeIf } from '@vobiz-webhooks/test-suites';

// Queue mode end to end, in separate processes on a private redis-server with an
// append-only file: two web processes (one deduping claims in Redis, one in memory), two
// workers, a few thousand deliveries with duplicates, sent concurrently and retried like
// Vobiz retries anything but a 2xx. Mid-run one worker is SIGKILLed while its handlers
// run (a new one starts), and Redis is stopped and restarted from its AOF. Every
// acknowledged event must be handled exactly once, by each of its handlers.
const ROOT = join(__dirname, '../../..');
const SECRET = 'whsec_multi_process';
const QUEUE = 'vobiz-multi-process';
const EVENTS = 1_500;
const COPIES = 2;
const IN_FLIGHT = 32;
/** Deliveries started per second: slow enough that the crash and the restart land mid-stream. */
const RATE = 200;
const VICTIM_CONCURRENCY = 4;
const TYPES = ['message.inbound', 'message.status', 'call.connect', 'template.category_update'] as const;
/** The handlers worker-process.ts runs for each type, as the receiver's routing would pick them. */
const ROUTES: Record<(typeof TYPES)[number], string[]> = {
  'message.inbound': ['message.inbound', '*'],
  'message.status': ['message.status', '*'],
  'call.connect': ['call.*', '*'],
  'template.category_update': ['*'],
};

const describeWithRedisServer = describeIf(
  redisServerInstalled(),
  'redis-server',
  'no redis-server binary on PATH',
  'Install it (apt-get install redis-server, brew install redis) and run jest again.',
);

interface Child {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  next(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

const children = new Set<ChildProcess>();

function start(file: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', `packages/bullmq/test/support/${file}`], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines: Array<Record<string, unknown>> = [];
  const waiting: Array<{
    predicate: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }> = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const waiter of waiting.splice(0)) {
      if (waiter.predicate(line)) waiter.resolve(line);
      else waiting.push(waiter);
    }
  });
  return {
    child,
    lines,
    next: (predicate) =>
      new Promise((resolve, reject) => {
        const found = lines.find(predicate);
        if (found) return resolve(found);
        waiting.push({ predicate, resolve });
        child.once('exit', (code, signal) => reject(new Error(`${file} exited (${code ?? signal}) while awaited`)));
      }),
  };
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

function post(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/vobiz', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  agent.destroy();
});

describeWithRedisServer('queue mode across processes: worker SIGKILL and Redis restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vobiz-bullmq-multi-'));
  let redis: PrivateRedis;
  afterAll(async () => {
    await redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every acknowledged event is handled exactly once by each of its handlers; none is lost', async () => {
    redis = await startPrivateRedis({ dir, appendfsync: 'everysec' });
    const completions = join(dir, 'completions.log');
    writeFileSync(completions, '');
    const common = { SECRET, REDIS_URL: redis.url, QUEUE, COMPLETIONS: completions };

    const webs = [start('web-process.ts', { ...common, DEDUPE_PREFIX: 'claims:' }), start('web-process.ts', common)];
    const steady = start('worker-process.ts', { ...common, CONCURRENCY: '8' });
    const victim = start('worker-process.ts', { ...common, CONCURRENCY: String(VICTIM_CONCURRENCY) });
    const ports = (await Promise.all(webs.map((web) => web.next((line) => line.port !== undefined)))).map((line) =>
      Number(line.port),
    );
    await Promise.all([steady, victim].map((worker) => worker.next((line) => line.ready === true)));

    // The deliveries: each event COPIES times, shuffled, IN_FLIGHT at once, each retried until a 2xx.
    const events = Array.from({ length: EVENTS }, (_, index) => createTestEvent(TYPES[index % TYPES.length]!));
    const deliveries = events.flatMap((event) => Array.from({ length: COPIES }, () => event));
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    const acknowledged = new Set<string>();
    const statuses: Record<number, number> = {};
    const deadline = Date.now() + 45_000;
    let nextDelivery = 0;
    const startedAt = Date.now();
    async function sender(): Promise<void> {
      for (let index = nextDelivery++; index < deliveries.length; index = nextDelivery++) {
        const event = deliveries[index]!;
        await sleep(startedAt + (index * 1000) / RATE - Date.now());
        const { body, headers } = signedRequest(event, SECRET);
        for (;;) {
          const status = await post(ports[Math.floor(Math.random() * ports.length)]!, body, headers);
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 200 && status < 300) break;
          if (Date.now() > deadline) throw new Error(`event ${event.event_id} never acknowledged (last ${status})`);
          await sleep(50);
        }
        acknowledged.add(event.event_id);
      }
    }
    const sending = Promise.all(Array.from({ length: IN_FLIGHT }, sender));
    const waitForAcknowledged = async (count: number) => {
      while (acknowledged.size < count) await sleep(10);
    };

    // 1. A worker is SIGKILLed while its handlers run: each of its jobs has its specific
    //    handler done (recorded in the job) and '*' running. A new worker starts.
    await waitForAcknowledged(EVENTS * 0.2);
    victim.child.kill('SIGUSR2');
    while (victim.lines.filter((line) => line.hanging !== undefined).length < VICTIM_CONCURRENCY) await sleep(10);
    await sleep(500);
    victim.child.kill('SIGKILL');
    expect((await exited(victim.child)).signal).toBe('SIGKILL');
    const interrupted = victim.lines.flatMap((line) => (line.hanging === undefined ? [] : [String(line.hanging)]));
    const replacement = start('worker-process.ts', { ...common, CONCURRENCY: '8' });
    await replacement.next((line) => line.ready === true);

    // 2. Redis is stopped (SIGTERM: the AOF is flushed) and started again from its AOF.
    await waitForAcknowledged(EVENTS * 0.55);
    await redis.shutdown();
    await sleep(1_000);
    await redis.start();

    await sending;
    expect(acknowledged.size).toBe(EVENTS);

    // Every handler of every event completes, once: wait for the count, then for stragglers.
    const expected = events.reduce((sum, event) => sum + ROUTES[event.event_type as (typeof TYPES)[number]].length, 0);
    const read = () => readFileSync(completions, 'utf8').trim().split('\n').filter(Boolean);
    while (read().length < expected && Date.now() < deadline + 15_000) await sleep(100);
    await sleep(1_500);
    const lines = read().map((line) => line.split(' ') as [string, string, string]);
    const count = new Map<string, number>();
    for (const [id, key] of lines) count.set(`${id} ${key}`, (count.get(`${id} ${key}`) ?? 0) + 1);
    const wrong: string[] = [];
    for (const event of events) {
      for (const key of ROUTES[event.event_type as (typeof TYPES)[number]]) {
        const times = count.get(`${event.event_id} ${key}`) ?? 0;
        if (times !== 1) wrong.push(`${event.event_id} ${key}: ${times}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(lines).toHaveLength(expected);

    // The interrupted jobs: their first handler ran in the killed worker and was not run
    // again; '*' ran in another worker.
    const victimPid = String(victim.child.pid);
    for (const id of interrupted) {
      const event = events.find((candidate) => candidate.event_id === id)!;
      const [first, ...rest] = ROUTES[event.event_type as (typeof TYPES)[number]];
      const byKey = new Map(lines.filter(([eventId]) => eventId === id).map(([, key, pid]) => [key, pid]));
      if (rest.length > 0) expect(byKey.get(first!)).toBe(victimPid);
      expect(byKey.get('*')).not.toBe(victimPid);
    }
    expect(interrupted.length).toBeGreaterThanOrEqual(VICTIM_CONCURRENCY);

    // The outage was seen by the sender (503s, or refused connections), and nothing is left or failed.
    expect((statuses[503] ?? 0) + (statuses[0] ?? 0)).toBeGreaterThan(0);
    const queue = new Queue(QUEUE, { connection: { url: redis.url } });
    try {
      expect(await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed')).toEqual({
        completed: EVENTS,
        failed: 0,
        waiting: 0,
        active: 0,
        delayed: 0,
      });
    } finally {
      await queue.close();
    }

    // SIGTERM: web processes and workers close gracefully.
    const all = [...webs, steady, replacement];
    for (const { child } of all) child.kill('SIGTERM');
    expect((await Promise.all(all.map(({ child }) => exited(child)))).map((exit) => exit.code)).toEqual(
      all.map(() => 0),
    );
    process.stdout.write(`multi-process: ${JSON.stringify({ statuses, interrupted: interrupted.length })}\n`);
  }, 90_000);
});
