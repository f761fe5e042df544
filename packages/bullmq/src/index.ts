// Queue mode on BullMQ: the receiver acknowledges once an event is queued, workers run the handlers.

// The web side: the receiver's `queue`
export {
  bullmqQueue,
  resolveJobOptions,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF,
  DEFAULT_QUEUE_NAME,
  type BullmqEventQueue,
  type BullmqQueueOptions,
  type VobizJobOptions,
  type VobizQueue,
} from './queue';

// The worker side: typed handlers, run once per event
export {
  createWorker,
  HandlersFailedError,
  type CreateWorkerOptions,
  type VobizEventWorker,
  type VobizWorker,
} from './worker';

// Jobs: their ids, data and progress, for tools that read the queue
export {
  jobIdFor,
  readJobData,
  completedHandlers,
  type VobizJob,
  type VobizJobData,
  type VobizJobProgress,
} from './job';

// Connections
export type { RedisConnection } from './connection';

// The shared types, so a worker needs only this package
export type { DedupeStore, EventFor, EventHandlers, EventQueue, Logger, VobizEvent } from '@vobiz-webhooks/core';
