import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import Redis from 'ioredis';
import { deliver, type Answer } from './support/http';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from '@vobiz-webhooks/test-suites';

const SECRET = 'whsec_multi_instance_test';
const EVENTS = 500;
const COPIES = 3;
const IN_FLIGHT = 24;
const ROOT = resolve(__dirname, '../../..');
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

interface Instance {
  readonly url: string;
  readonly log: string;
  readonly child: ChildProcess;
}

/** A receiver in its own process (Express + the Redis store), answering on a free port. */
async function startInstance(
  dir: string,
  name: string,
  client: 'ioredis' | 'node-redis',
  prefix: string,
): Promise<Instance> {
  const log = join(dir, `${name}.log`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/redis/test/support/receiver-process.ts'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL, PREFIX: prefix, SECRET, LOG_FILE: log, CLIENT: client },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`receiver ${name} exited (${String(code)}) before listening:\n${stderr}`);
  });
  const ready = (async () => {
    for await (const line of lines) return (JSON.parse(line) as { port: number }).port;
    throw new Error(`receiver ${name} closed its output:\n${stderr}`);
  })();
  const port = await Promise.race([ready, exited]);
  exited.catch(() => {});
  return { url: `http://127.0.0.1:${port}/webhooks/vobiz`, log, child };
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  const exited = once(instance.child, 'exit');
  instance.child.kill('SIGTERM');
  await exited;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const linesOf = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return []; // an instance that handled nothing never created its file
  }
};

describeWithRedis('two receiver processes sharing one Redis', () => {
  const prefix = uniquePrefix('multi-instance');
  const dir = mkdtempSync(join(tmpdir(), 'vobiz-multi-instance-'));
  let instances: Instance[] = [];
  let admin: Redis;

  beforeAll(async () => {
    // One instance per client library: they must agree on the key layout too.
    instances = await Promise.all([
      startInstance(dir, 'a', 'ioredis', prefix),
      startInstance(dir, 'b', 'node-redis', prefix),
    ]);
    admin = new Redis(REDIS_URL);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map(stopInstance));
    admin?.disconnect();
    await deleteKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test(`${EVENTS} events x ${COPIES} copies, ${IN_FLIGHT} in flight to random instances: each handled exactly once, every delivery acknowledged`, async () => {
    const events = Array.from({ length: EVENTS }, (_, i) =>
      createTestEvent(i % 3 === 0 ? 'message.status' : i % 3 === 1 ? 'message.inbound' : 'call.terminate'),
    );
    const deliveries = shuffle(events.flatMap((event) => Array.from({ length: COPIES }, () => event)));
    const finals: Answer[] = [];
    const refusals = new Map<string, number>();
    const pick = () => instances[Math.floor(Math.random() * instances.length)] as Instance;

    // As Vobiz does: anything but a 200 is sent again after a short pause, to any instance.
    async function send(event: object): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        const answer = await deliver(pick().url, event, SECRET);
        if (answer.status === 200) {
          finals.push(answer);
          return;
        }
        const label = `${answer.status} ${answer.body.error?.code ?? '?'}`;
        refusals.set(label, (refusals.get(label) ?? 0) + 1);
        if (attempt >= 200) throw new Error(`delivery still refused after ${attempt} attempts: ${label}`);
        await sleep(10 + Math.random() * 30);
      }
    }

    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < deliveries.length) await send(deliveries[next++] as object);
      }),
    );

    const perInstance = instances.map((instance) => linesOf(instance.log));
    const handled = perInstance.flat();
    console.info(
      `multi-instance: ${deliveries.length} deliveries; handled per instance ${perInstance.map((lines) => lines.length).join(' + ')}; ` +
        `refusals retried: ${JSON.stringify(Object.fromEntries(refusals))}`,
    );

    expect(finals).toHaveLength(EVENTS * COPIES);
    expect(finals.filter((answer) => answer.body.duplicate !== true)).toHaveLength(EVENTS);
    expect(finals.filter((answer) => answer.body.duplicate === true)).toHaveLength(EVENTS * (COPIES - 1));
    expect(handled).toHaveLength(EVENTS);
    expect(new Set(handled)).toEqual(new Set(events.map((event) => event.event_id)));
    for (const lines of perInstance) expect(lines.length).toBeGreaterThan(0);
    // The only refusal is "still being processed elsewhere", and copies did overlap
    // (about 10-20 of them per run, so none at all would mean the race never happened).
    expect([...refusals.keys()]).toEqual(['409 in_progress']);

    const markers = await admin.mget(events.map((event) => prefix + event.event_id));
    expect(markers.every((marker) => marker === 'done')).toBe(true);
  }, 240_000);
});
