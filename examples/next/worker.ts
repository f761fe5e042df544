// The worker for app/api/webhooks/vobiz-queued: `pnpm --filter @vobiz-webhooks/example-next worker`,
// beside `next start`, as many as the work needs. Next.js runs no long-lived consumer itself.
import { createWorker } from '@vobiz-webhooks/bullmq';
import { queueSettings } from './lib/queue';
import { queuedHandlers } from './lib/queued-handlers';

const { redisUrl, queueName } = queueSettings();

const worker = createWorker({
  // null: a worker waits out a Redis restart; a command that gave up would fail a running job.
  connection: { url: redisUrl, maxRetriesPerRequest: null },
  name: queueName,
  concurrency: 10,
  on: queuedHandlers((summary) => {
    console.log(`worker: ${summary.event_type} ${summary.event_id} ${summary.items.join(', ')}`);
  }),
  onFailed: (event, error) => {
    console.error(
      `worker: gave up on ${event.event_type} ${event.event_id}: ${error.message} (kept in the failed set)`,
    );
  },
});
console.log(`worker: taking jobs from queue '${queueName}' on ${new URL(redisUrl).host}`);

// Takes no new job and lets the running handlers finish; a job cut off by a kill is run again.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`worker: ${signal}, finishing the running jobs`);
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('worker: closing failed', error);
        process.exit(1);
      },
    );
  });
}
