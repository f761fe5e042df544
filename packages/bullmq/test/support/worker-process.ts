// A worker process for the multi-process test (../multi-process.test.ts):
//   node --import tsx packages/bullmq/test/support/worker-process.ts
// Env: REDIS_URL, QUEUE, COMPLETIONS (a file: one line "<event_id> <handler key> <pid>" per
// completed handler), CONCURRENCY. On SIGUSR2 its '*' handler stops finishing: it prints
// {"hanging":"<event_id>"} and waits forever, so the test can SIGKILL it mid-handlers.
// SIGTERM closes it gracefully (exit 0). Prints {"ready":true} once it takes jobs.
import { appendFileSync } from 'node:fs';
import type { VobizEvent } from '@vobiz-webhooks/core';
import { createWorker } from '@vobiz-webhooks/bullmq';

const { REDIS_URL, QUEUE, COMPLETIONS, CONCURRENCY = '8' } = process.env;
if (!REDIS_URL || !QUEUE || !COMPLETIONS)
  throw new Error('worker-process: REDIS_URL, QUEUE and COMPLETIONS are required');

let hanging = false;
process.on('SIGUSR2', () => {
  hanging = true;
});
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** A handler that takes a few milliseconds, like real work, and records that it completed. */
const handler = (key: string) => async (event: VobizEvent) => {
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
  if (key === '*' && hanging) {
    say({ hanging: event.event_id });
    await new Promise<never>(() => undefined);
  }
  appendFileSync(COMPLETIONS, `${event.event_id} ${key} ${process.pid}\n`);
};

const { worker, close } = createWorker({
  connection: REDIS_URL,
  name: QUEUE,
  concurrency: Number(CONCURRENCY),
  // A dead worker's jobs are recovered 8 s after its last lock renewal, checked every second.
  lockDuration: 8_000,
  stalledInterval: 1_000,
  logger: false,
  on: {
    'message.inbound': handler('message.inbound'),
    'message.status': handler('message.status'),
    'call.*': handler('call.*'),
    '*': handler('*'),
  },
});
await worker.waitUntilReady();
say({ ready: true });
process.on('SIGTERM', () => void close().then(() => process.exit(0)));
