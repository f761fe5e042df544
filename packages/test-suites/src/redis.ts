import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const inCI = process.env.CI === 'true';

// Jest collects tests synchronously, so whether Redis answers must be known before
// `describe` runs: a child process sends PING and exits 0 on any Redis reply.
const PROBE = `
const url = new URL(process.argv[1]);
const socket = require('node:net').connect(Number(url.port || 6379), url.hostname || '127.0.0.1');
socket.setTimeout(2000, () => process.exit(1));
socket.on('error', () => process.exit(1));
socket.on('connect', () => (url.protocol === 'rediss:' ? process.exit(0) : socket.write('PING\\r\\n')));
socket.on('data', (data) => process.exit(/^[+-]/.test(data.toString()) ? 0 : 1));`;

function probe(url: string): boolean {
  try {
    execFileSync(process.execPath, ['-e', PROBE, url], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export const redisAvailable = probe(REDIS_URL);

/** One line per `jest` run and reason, however many files skip (Jest workers share the parent pid). */
function announceSkipOnce(reason: string, line: string): void {
  const runId = process.env.JEST_WORKER_ID === undefined ? process.pid : process.ppid;
  try {
    closeSync(openSync(join(tmpdir(), `vobiz-webhooks-skip-${reason}-${runId}`), 'wx'));
  } catch {
    return;
  }
  process.stderr.write(`\n[vobiz-webhooks] ${line}\n`);
}

/**
 * `describe` for tests that need something outside Node. Without it: skipped outside CI
 * with one line saying how to run them; in CI (`CI=true`) a failing test, so a run never
 * passes without them.
 */
export function describeIf(available: boolean, reason: string, missing: string, howTo: string) {
  return (name: string, body: () => void): void => {
    if (available) {
      describe(name, body);
    } else if (inCI) {
      describe(name, () => {
        test(`needs ${reason}`, () => {
          throw new Error(`${missing}; CI must provide it (see .ci/run).`);
        });
      });
    } else {
      announceSkipOnce(reason, `Tests that need ${reason} SKIPPED: ${missing}. ${howTo}`);
      describe.skip(name, body);
    }
  };
}

/** Tests against the shared Redis at REDIS_URL. */
export const describeWithRedis = describeIf(
  redisAvailable,
  'redis',
  `nothing answers at ${REDIS_URL}`,
  'Run `redis-server --save "" --appendonly no &` (or set REDIS_URL=redis://host:port) and run jest again.',
);

/** A key prefix no other run (or test file) shares. */
export const uniquePrefix = (label: string): string => `vobiz-webhooks-test:${label}:${randomUUID()}:`;

/** Deletes every key under `prefix`, so test runs leave the shared Redis as they found it. */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<number> {
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await admin.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await admin.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    admin.disconnect();
  }
}
