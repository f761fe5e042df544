// A worker process of `pnpm soak --queue`: the BUILT @vobiz-webhooks/bullmq `createWorker`
// taking the web process's jobs from the soak's private Redis. The parent may SIGKILL it at
// any moment, so each handled event is appended to this worker's journal with a synchronous
// write before the handler returns: what the journal holds is exactly what ran to the end.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { messagesOf } from '../../packages/core/dist/index.js';
import { createWorker } from '../../packages/bullmq/dist/index.js';
import { FAIL_ONCE_MARKER } from './plan.mjs';

const journal = openSync(process.env.SOAK_JOURNAL, 'a');
const markers = process.env.SOAK_MARKERS;
const record = (kind, id) => writeSync(journal, `${kind} ${id} ${Date.now()}\n`);

let invocations = 0;
const logged = {};
const count = (key) => (logged[key] = (logged[key] ?? 0) + 1);

/** The first attempt of a marked event, across every worker: the marker file is created once (O_EXCL). */
function firstAttempt(id) {
  try {
    closeSync(openSync(join(markers, id), 'wx'));
    return true;
  } catch {
    return false;
  }
}

const made = createWorker({
  connection: { host: '127.0.0.1', port: Number(process.env.SOAK_REDIS_PORT) },
  name: process.env.SOAK_QUEUE,
  concurrency: Number(process.env.SOAK_WORKER_CONCURRENCY ?? 10),
  // A killed worker's jobs are taken over once their lock expires (15 s rather than BullMQ's 30 s),
  // still well above the seconds Redis is down, when no lock can be renewed.
  lockDuration: 15_000,
  stalledInterval: 3_000,
  logger: { warn: () => count('warn'), error: () => count('error') },
  on: {
    '*': async (event) => {
      invocations++;
      if (messagesOf(event)[0]?.text?.body === FAIL_ONCE_MARKER && firstAttempt(event.event_id)) {
        record('F', event.event_id);
        throw new Error('injected failure (soak): the first attempt of a marked event fails');
      }
      // A little real asynchrony, like a database write, so jobs overlap in the worker.
      if (invocations % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      record('H', event.event_id);
    },
  },
});
made.worker.on('stalled', () => count('stalled'));
await made.worker.waitUntilReady();
process.send({ type: 'ready', pid: process.pid });

process.on('message', (message) => {
  if (message?.type !== 'report') return;
  process.send({ type: 'report', invocations, logged, peakRssBytes: process.resourceUsage().maxRSS * 1024 });
});
process.on('disconnect', () => {
  made.close().finally(() => process.exit(0));
});
