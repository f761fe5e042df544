// Compile-time checks, run by `pnpm typecheck` (never executed: nothing here connects).
import { expectTypeOf } from 'expect-type';
import type { Job, PostgresConnectionOptions } from 'bullmq';
import { createPostgresBackend } from 'bullmq';
import Redis from 'ioredis';
import type { CallEvent, EventQueue, MessageInboundEvent, MessageStatusEvent, VobizEvent } from '@vobiz-webhooks/core';
import { vobizWebhook } from '@vobiz-webhooks/express';
import {
  bullmqQueue,
  createWorker,
  type BullmqEventQueue,
  type VobizEventWorker,
  type VobizJobData,
  type VobizQueue,
} from '@vobiz-webhooks/bullmq';

declare const redisUrl: string;

// The web side: an EventQueue the receiver takes as `queue`, and only without `on`.
const queue = bullmqQueue({ connection: redisUrl });
expectTypeOf(queue).toMatchTypeOf<EventQueue>();
expectTypeOf(queue).toEqualTypeOf<BullmqEventQueue<string | import('bullmq').ConnectionOptions>>();
expectTypeOf(queue.close).returns.toEqualTypeOf<Promise<void>>();
expectTypeOf(queue.queue.add).parameters.toMatchTypeOf<[string, VobizJobData, ...unknown[]]>();
vobizWebhook({ secret: 's', queue });
// @ts-expect-error: in queue mode the handlers belong to the worker
vobizWebhook({ secret: 's', queue, on: {} });
bullmqQueue({ connection: new Redis(), name: 'events', prefix: 'app', jobOptions: { attempts: 3 } });
bullmqQueue({ connection: { host: 'redis', port: 6379 }, maxEventAgeMs: 3_600_000 });
// @ts-expect-error: the job id always comes from the dedupe key
bullmqQueue({ connection: redisUrl, jobOptions: { jobId: 'fixed' } });
// @ts-expect-error: a connection is required
bullmqQueue({ name: 'events' });

// PostgreSQL: the backend decides what a connection is.
const pgQueue = bullmqQueue({ connection: 'postgres://localhost/app', backend: createPostgresBackend });
expectTypeOf(pgQueue.queue).toEqualTypeOf<VobizQueue<PostgresConnectionOptions>>();
bullmqQueue({
  connection: { connectionString: 'postgres://localhost/app', schema: 'webhooks' },
  backend: createPostgresBackend,
});
// @ts-expect-error: a Redis client is not a PostgreSQL connection
bullmqQueue({ connection: new Redis(), backend: createPostgresBackend });

// The worker side: each handler's event typed by its key, as in the receiver.
const worker = createWorker({
  connection: redisUrl,
  on: {
    'message.inbound': (event) => expectTypeOf(event).toEqualTypeOf<MessageInboundEvent>(),
    'message.status': (event) => expectTypeOf(event).toEqualTypeOf<MessageStatusEvent>(),
    'call.connect': (event) => expectTypeOf(event).toEqualTypeOf<CallEvent>(),
    'call.*': (event) => expectTypeOf(event).toEqualTypeOf<CallEvent>(),
    '*': async (event) => expectTypeOf(event).toEqualTypeOf<VobizEvent>(),
  },
  onFailed: (event, error) => {
    expectTypeOf(event).toEqualTypeOf<VobizEvent>();
    expectTypeOf(error).toEqualTypeOf<Error>();
  },
  concurrency: 5,
  lockDuration: 60_000,
  maxStalledCount: 2,
});
expectTypeOf(worker).toEqualTypeOf<VobizEventWorker>();
expectTypeOf(worker.close).returns.toEqualTypeOf<Promise<void>>();
worker.worker.on('completed', (job) => expectTypeOf(job).toMatchTypeOf<Job<VobizJobData, void, string>>());

// @ts-expect-error: a misspelled key is refused, as in the receiver
createWorker({ connection: redisUrl, on: { 'message.inbund': () => undefined } });
// @ts-expect-error: `on` is required
createWorker({ connection: redisUrl });
// @ts-expect-error: a handler's event is the key's event, not any event's
createWorker({ connection: redisUrl, on: { 'message.status': (event: MessageInboundEvent) => event } });
createWorker({ connection: { connectionString: 'postgres://localhost/app' }, backend: createPostgresBackend, on: {} });
