import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { fileDedupeStore } from '@vobiz-webhooks/test-suites';
import { REDIS_URL, describeWithRedis } from '@vobiz-webhooks/test-suites';

// Crash: a receiver is killed with SIGKILL while its handler runs. Its claim stays in the
// shared store (nothing ran `release`), so a redelivery to the restarted receiver gets
// 409 in_progress until the lease expires, and is then handled, once.
const ROOT = join(__dirname, '../../..');
const SECRET = 'whsec_crash_test';
// Long enough that the restarted process (tsx start-up on a loaded 2-core machine) is
// listening well before it ends, so the 409 phase is observed; short enough for a test.
const LEASE_MS = 8_000;

interface Receiver {
  child: ChildProcess;
  port: number;
  /** Resolves with the event id of the next handler that starts. */
  nextHandling(): Promise<string>;
}

const children = new Set<ChildProcess>();

function startReceiver(env: Record<string, string>): Promise<Receiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/express/test/support/crash-receiver.ts'], {
    cwd: ROOT,
    env: { ...process.env, SECRET, LEASE_MS: String(LEASE_MS), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const waiting: Array<(id: string) => void> = [];
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`crash-receiver exited before listening (${code ?? signal})`)),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { port?: number; handling?: string };
      if (message.port !== undefined) {
        resolve({ child, port: message.port, nextHandling: () => new Promise((done) => waiting.push(done)) });
      }
      if (message.handling !== undefined) waiting.shift()?.(message.handling);
    });
  });
}

function post(port: number, body: string, headers: Record<string, string>): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/webhooks/vobiz', headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          resolve({ status: res.statusCode ?? 0, ...(code === undefined ? {} : { code }) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const killed = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | null>((resolve) => {
    child.once('exit', (_code, signal) => resolve(signal));
    child.kill('SIGKILL');
  });

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

interface StoreUnderTest {
  env: Record<string, string>;
  /** When the claim on `key` expires (epoch ms), read from the shared store itself. */
  leaseEnd(key: string): Promise<number>;
}

async function crashAndRedeliver(store: StoreUnderTest, logFile: string): Promise<void> {
  const event = createTestEvent('message.inbound');
  const { body, headers } = signedRequest(event, SECRET);

  // 1. First process takes the delivery and is killed while its handler runs.
  const first = await startReceiver({ ...store.env, LOG_FILE: logFile, HANG: '1' });
  const handling = first.nextHandling();
  const inFlight = post(first.port, body, headers).then(
    (answer) => ({ answered: answer }),
    (error: NodeJS.ErrnoException) => ({ error: error.code }),
  );
  expect(await handling).toBe(event.event_id);
  const leaseEnd = await store.leaseEnd(event.event_id);
  expect(await killed(first.child)).toBe('SIGKILL');
  // Vobiz sees a reset connection, not a 2xx: it will redeliver.
  expect(await inFlight).toEqual({ error: 'ECONNRESET' });

  // 2. Restart (a new process on the same shared store) and redeliver as Vobiz would.
  const second = await startReceiver({ ...store.env, LOG_FILE: logFile, HANG: '0' });
  const answers: Array<{ status: number; code?: string; at: number }> = [];
  const deadline = leaseEnd + 30_000;
  for (;;) {
    const sentAt = Date.now();
    const answer = await post(second.port, body, headers);
    answers.push({ ...answer, at: sentAt });
    if (answer.status !== 409 || Date.now() > deadline) break;
    await sleep(250);
  }
  const last = answers[answers.length - 1]!;
  const blocked = answers.slice(0, -1);

  // Before the lease ended: 409 in_progress (never 200: the crashed copy might have been
  // about to succeed). After: handled by the new process.
  expect(blocked.length).toBeGreaterThan(0);
  for (const answer of blocked) {
    expect(answer).toMatchObject({ status: 409, code: 'in_progress' });
    expect(answer.at).toBeLessThan(leaseEnd + 50);
  }
  expect(last.status).toBe(200);
  expect(Date.now()).toBeGreaterThanOrEqual(leaseEnd - 50);
  const completions = readFileSync(logFile, 'utf8').trim().split('\n');
  expect(completions).toEqual([`${event.event_id} ${second.child.pid}`]);

  // And a later copy is a duplicate, not a second run.
  expect(await post(second.port, body, headers)).toEqual({ status: 200 });
  expect(readFileSync(logFile, 'utf8').trim().split('\n')).toHaveLength(1);
  await killed(second.child);
}

describe('crash mid-handler (SIGKILL), shared state in files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vobiz-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the redelivery gets 409 while the dead process's lease runs, then is handled exactly once", async () => {
    const storeDir = join(dir, 'store');
    const logFile = join(dir, 'completed.log');
    writeFileSync(logFile, '');
    const files = fileDedupeStore(storeDir);
    await crashAndRedeliver(
      {
        env: { STORE_DIR: storeDir },
        leaseEnd: async (key) => files.entry(key)!.expiresAt,
      },
      logFile,
    );
  }, 90_000);
});

describeWithRedis('crash mid-handler (SIGKILL), @vobiz-webhooks/redis store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vobiz-crash-redis-'));
  const prefix = `vobiz-crash-test:${randomUUID()}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the lease left in Redis by the killed process blocks copies until it expires, then one run', async () => {
    const logFile = join(dir, 'completed.log');
    writeFileSync(logFile, '');
    await crashAndRedeliver(
      {
        env: { REDIS_URL, REDIS_PREFIX: prefix },
        leaseEnd: async (key) => {
          const before = Date.now();
          const ttl = await redis.pttl(`${prefix}${key}`);
          if (ttl < 0) throw new Error(`no live claim in Redis for ${prefix}${key} (PTTL ${ttl})`);
          return before + ttl;
        },
      },
      logFile,
    );
  }, 90_000);
});
