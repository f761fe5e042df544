// The worker process: `pnpm --filter @vobiz-webhooks/example-express-bullmq worker`. Run as
// many as the work needs; they share the queue, and each event is handled once.
import { appendFile } from 'node:fs/promises';
import { wholeNumberEnv, queueSettings, redisHost } from './config';
import { createExampleWorker, type Handled } from './handlers';

const { redisUrl, queueName } = queueSettings();
const handledFile = process.env.HANDLED_FILE;

async function record(handled: Handled): Promise<void> {
  console.log(`worker: ${handled.eventType} ${handled.eventId}\n  ${handled.lines.join('\n  ')}`);
  // A throw here fails the job's attempt, and BullMQ retries it: the same contract as a CRM call.
  if (handledFile) await appendFile(handledFile, `${JSON.stringify({ ...handled, at: new Date().toISOString() })}\n`);
}

const worker = createExampleWorker({
  // null: a worker waits out a Redis restart; a command that gave up would fail a running job.
  connection: { url: redisUrl, maxRetriesPerRequest: null },
  name: queueName,
  concurrency: wholeNumberEnv('CONCURRENCY', 10),
  workMs: wholeNumberEnv('WORK_MS', 1000),
  record,
});
console.log(
  `worker: taking jobs from queue '${queueName}' on ${redisHost(redisUrl)}` +
    (handledFile ? `, appending each handled event to ${handledFile}` : ''),
);

// Takes no new job and lets the running handlers finish; a job cut off by a kill is run again.
let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`worker: ${signal}, finishing the running jobs`);
  worker.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('worker: closing failed', error);
      process.exit(1);
    },
  );
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
