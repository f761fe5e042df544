import { Queue, type BackendFactory, type IQueueBackend, type JobsOptions, type RedisQueueBackend } from 'bullmq';
import { duration, guardedLogger, type EventQueue, type Logger } from '@vobiz-webhooks/core';
import { webConnection, type RedisConnection } from './connection';
import { jobIdFor, type VobizJobData } from './job';
import { rateLimited } from './log';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How far ahead of the receiver's clock an event may be: the receiver's rule. */
const FUTURE_SKEW_MS = 5 * MINUTE;

export const DEFAULT_QUEUE_NAME = 'vobiz-webhooks';

/**
 * The default retry schedule: 12 attempts, exponential backoff from 45 s. The waits are
 * 45 s, 1.5, 3, 6, 12, 24, 48 min, 1.6, 3.2, 6.4 and 12.8 h: the last attempt starts
 * 25.6 h after the first, longer than Vobiz keeps retrying a delivery (24 h).
 */
export const DEFAULT_ATTEMPTS = 12;
export const DEFAULT_BACKOFF = { type: 'exponential', delay: 45_000 } as const;

/** The job options callers may set; the job id is always derived from the dedupe key. */
export type VobizJobOptions = Omit<JobsOptions, 'jobId' | 'repeatJobKey' | 'parent' | 'prevMillis' | 'deduplication'>;

/** The queue class with its backend's connection type (Redis unless `backend` says otherwise). */
export type VobizQueue<C = RedisConnection> = Queue<
  VobizJobData,
  void,
  string,
  VobizJobData,
  void,
  string,
  IQueueBackend,
  C
>;

export interface BullmqQueueOptions<C = RedisConnection> {
  /**
   * Redis: a URL, ioredis options or a client. Options and URLs get
   * `enableOfflineQueue: false` (fail fast; see the README). With `backend`, whatever
   * that backend takes (e.g. a PostgreSQL connection string or pool config).
   */
  connection: NoInfer<C>;
  /** The queue's name, shared with the workers. Default `'vobiz-webhooks'`. */
  name?: string;
  /** Redis key prefix (BullMQ's, default `'bull'`). Ignored by other backends. */
  prefix?: string;
  /** Merged over the defaults: retries, backoff, how long finished jobs are kept. */
  jobOptions?: VobizJobOptions;
  /**
   * The receiver's `maxEventAgeMs` (default 48 h). Completed jobs are kept at least that
   * plus 5 minutes, so a replay still inside the age window finds its job and is not
   * queued again; a shorter `removeOnComplete` is refused.
   */
  maxEventAgeMs?: number;
  /** A BullMQ backend other than Redis, e.g. `createPostgresBackend` from `bullmq`. */
  backend?: BackendFactory<IQueueBackend, C>;
  /** Connection errors (rate-limited). Default `console`; `false` silences them. */
  logger?: Logger | false;
}

export interface BullmqEventQueue<C = RedisConnection> extends EventQueue {
  /** The BullMQ queue, for metrics, dashboards and admin tasks. */
  readonly queue: VobizQueue<C>;
  /** Closes the queue and the connection it opened (a client you passed stays open). */
  close(): Promise<void>;
}

/** Durations are positive safe integers: `Infinity` would pass a `> 0` check and break the store. */
function positiveInteger(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new TypeError(
    `vobiz-webhooks: \`${name}\` must be a positive whole number of milliseconds, got ${String(value)}.`,
  );
}

/** The defaults with the caller's options over them, refusing a retention that would let a replay be queued again. */
export function resolveJobOptions(jobOptions: VobizJobOptions = {}, maxEventAgeMs = 48 * HOUR): VobizJobOptions {
  if ('jobId' in (jobOptions as Record<string, unknown>)) {
    throw new TypeError('vobiz-webhooks: `jobOptions.jobId` cannot be set: each job id comes from the dedupe key.');
  }
  const window = positiveInteger('maxEventAgeMs', maxEventAgeMs) + FUTURE_SKEW_MS;
  const keepSeconds = Math.ceil(window / 1000);
  const resolved: VobizJobOptions = {
    attempts: DEFAULT_ATTEMPTS,
    backoff: { ...DEFAULT_BACKOFF },
    removeOnComplete: { age: keepSeconds },
    removeOnFail: false,
    ...jobOptions,
  };
  const keep = resolved.removeOnComplete;
  const keptFor =
    keep === false || keep === undefined
      ? Infinity
      : typeof keep === 'object' && 'age' in keep && keep.count === undefined
        ? keep.age * 1000
        : 0;
  if (keptFor < window) {
    throw new TypeError(
      `vobiz-webhooks: \`jobOptions.removeOnComplete\` (${JSON.stringify(keep)}) forgets a completed job before the ` +
        `accepted window ends (maxEventAgeMs ${duration(maxEventAgeMs)} + 5 min), so a replay inside it would be queued ` +
        `and handled again. Use { age: ${keepSeconds} } (seconds, no count), or false.`,
    );
  }
  return resolved;
}

/**
 * The job's `removeOnComplete` when the receiver asks for a longer memory than the queue's
 * own: its accepted window, 7 days for `metaWebhook`, where the queue defaults to 48 h. The
 * job id is what keeps a replay on another instance from being queued again, so the finished
 * job is kept as long as the receiver accepts replays. A queue keeping jobs longer, or for
 * ever, is left as it is.
 */
function retentionFor(keepMs: number, removeOnComplete: VobizJobOptions['removeOnComplete']): VobizJobOptions {
  // `resolveJobOptions` leaves an age in seconds (with no count), or `false`: kept for ever.
  if (typeof removeOnComplete !== 'object' || !('age' in removeOnComplete)) return {};
  const seconds = Math.ceil(keepMs / 1000);
  return seconds > removeOnComplete.age ? { removeOnComplete: { ...removeOnComplete, age: seconds } } : {};
}

/**
 * An `EventQueue` on BullMQ for the receiver's queue mode:
 * `vobizWebhook({ secret, queue: bullmqQueue({ connection }) })`. Each event becomes one
 * job named by its event type, with an id derived from the dedupe key.
 */
export function bullmqQueue<C = RedisConnection>(options: BullmqQueueOptions<C>): BullmqEventQueue<C> {
  const { connection, name = DEFAULT_QUEUE_NAME, prefix, backend, logger } = options;
  if (connection === undefined || connection === null) {
    throw new TypeError(
      'vobiz-webhooks: `connection` is required, e.g. bullmqQueue({ connection: process.env.REDIS_URL }).',
    );
  }
  const jobOptions = resolveJobOptions(options.jobOptions, options.maxEventAgeMs);
  const log = guardedLogger(logger);
  const connectionOptions = backend === undefined ? webConnection(connection as RedisConnection) : connection;
  // BullMQ opens (and must close) a connection from options; a client passed in stays the caller's.
  const ownsConnection = backend === undefined && connectionOptions !== connection;
  const settings = { connection: connectionOptions, ...(prefix === undefined ? {} : { prefix }) };
  const queue = (
    backend === undefined ? new Queue(name, settings as never) : new Queue(name, settings as never, backend as never)
  ) as VobizQueue<C>;
  // Without a listener an 'error' event would crash the process; the failed add is the 503.
  const reportError = rateLimited(log);
  queue.on('error', (error) => reportError(`[vobiz-webhooks] queue '${name}': connection error.`, error));

  return {
    queue,
    async enqueue(event, key, { keepMs } = { keepMs: 0 }) {
      const data: VobizJobData = keepMs > 0 ? { event, key, keepMs } : { event, key };
      const options = { ...jobOptions, ...retentionFor(keepMs, jobOptions.removeOnComplete), jobId: jobIdFor(key) };
      await queue.add(event.event_type, data, options);
    },
    async close() {
      try {
        await queue.close();
      } catch (error) {
        // Redis is down: quitting fails at once (no offline queue), and the connection we
        // opened would go on reconnecting and keep the process alive. End it instead.
        if (!ownsConnection) throw error;
        (await (queue.backend as unknown as RedisQueueBackend).client).disconnect();
      }
    },
  };
}
