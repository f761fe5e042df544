import { randomUUID } from 'node:crypto';
import {
  UnrecoverableError,
  Worker,
  type BackendFactory,
  type IQueueBackend,
  type Job,
  type WorkerOptions,
} from 'bullmq';
import {
  guardedLogger,
  MAX_TIMER_MS,
  routeHandlers,
  safeName,
  safeText,
  withinTime,
  type DedupeStore,
  type EventHandlers,
  type Logger,
  type RoutedHandler,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { workerConnection, type RedisConnection } from './connection';
import { completedHandlers, readJobData, type VobizJobData, type VobizJobProgress } from './job';
import { rateLimited } from './log';
import { DEFAULT_QUEUE_NAME } from './queue';

const MINUTE = 60_000;
const DEFAULT_DEDUPE_TTL_MS = 48 * 60 * MINUTE + 5 * MINUTE;

/** The worker class with its backend's connection type. */
export type VobizWorker<C = RedisConnection> = Worker<VobizJobData, void, string, IQueueBackend, VobizJobProgress, C>;

export interface CreateWorkerOptions<C = RedisConnection> extends Omit<
  WorkerOptions<C>,
  'connection' | 'name' | 'concurrency' | 'autorun'
> {
  /** Redis: a URL, ioredis options (given `maxRetriesPerRequest: null`) or a client configured so. */
  connection: NoInfer<C>;
  /** The queue's name, as given to `bullmqQueue`. Default `'vobiz-webhooks'`. */
  name?: string;
  /** The same handlers as the receiver's inline mode; each event's handlers must all succeed. */
  on: EventHandlers;
  /** Jobs handled at once by this process. Default 10. */
  concurrency?: number;
  /**
   * A second record of completed handlers, shared by every worker: claimed before a
   * handler runs, marked done after. It also keeps a handler from running twice at once
   * when a job is recovered while its first run is still going (a lost lock).
   */
  dedupe?: DedupeStore;
  /** How long a `dedupe` claim blocks another run of the same handler. Default 60 s. */
  leaseMs?: number;
  /** How long `dedupe` remembers a completed handler. Default 48 h 5 min, the receiver's window. */
  dedupeTtlMs?: number;
  /**
   * How long the worker waits for `dedupe` to answer one operation. A claim with no answer
   * by then fails the attempt, retried after the backoff (a claim that still comes is given
   * back); a complete or a release is logged. Default 5 s.
   */
  storeTimeoutMs?: number;
  /** Default `console`; `false` silences the worker. */
  logger?: Logger | false;
  /** Called once, after an event's last attempt failed and its job is in the failed set. */
  onFailed?: (event: VobizEvent, error: Error) => unknown;
  /** BullMQ's own worker name (shown on each job it processed). */
  workerName?: string;
  /** Whether to start taking jobs at once. Default true; else call `worker.run()`. */
  autorun?: boolean;
  /** A BullMQ backend other than Redis, e.g. `createPostgresBackend` from `bullmq`. */
  backend?: BackendFactory<IQueueBackend, C>;
}

export interface VobizEventWorker<C = RedisConnection> {
  /** The BullMQ worker, for events and metrics. */
  readonly worker: VobizWorker<C>;
  /** Takes no new job, waits for the running handlers, then closes the worker's connections. */
  close(): Promise<void>;
}

/** One or more handlers failed: the attempt fails and BullMQ retries it after the backoff. */
export class HandlersFailedError extends Error {
  override readonly name = 'HandlersFailedError';
  constructor(
    message: string,
    /** Each failed handler's key in `on` and what it threw. */
    readonly failures: ReadonlyArray<{ key: string; error: unknown }>,
  ) {
    super(message, { cause: failures[0]?.error });
  }
}

/** Another run of this handler holds its `dedupe` claim: retried after the backoff, by when it has finished. */
class HandlerInProgress extends Error {
  override readonly name = 'HandlerInProgress';
}

/** The `dedupe` store gave no claim (it failed, or did not answer in time): the handler did not run. */
class ClaimFailed extends Error {
  override readonly name = 'ClaimFailed';
}

const reasonOf = (error: unknown): string => safeText(error instanceof Error ? error.message : String(error), 200);

function positiveInteger(name: string, value: unknown, most = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= most) return value;
  throw new TypeError(
    `vobiz-webhooks: \`${name}\` must be a positive whole number (at most ${most}), got ${String(value)}.`,
  );
}

/**
 * Runs the handlers of queued events: `createWorker({ connection, on })` in a worker
 * process, with the `on` the receiver would have had inline. A handler that completed
 * is recorded in the job at once, so a retry, or a re-run after a crash, runs only the
 * handlers that did not.
 */
export function createWorker<C = RedisConnection>(options: CreateWorkerOptions<C>): VobizEventWorker<C> {
  const {
    connection,
    name = DEFAULT_QUEUE_NAME,
    on,
    concurrency = 10,
    dedupe,
    leaseMs = MINUTE,
    dedupeTtlMs = DEFAULT_DEDUPE_TTL_MS,
    storeTimeoutMs = 5_000,
    logger,
    onFailed,
    workerName,
    backend,
    ...workerOptions
  } = options;
  const log = guardedLogger(logger);
  const handlersFor = routeHandlers(on, {
    required:
      "the handlers this worker runs, e.g. createWorker({ connection, on: { 'message.inbound': async (event) => {…} } }), " +
      'the same object the receiver would have inline.',
    log,
  });
  positiveInteger('concurrency', concurrency);
  positiveInteger('leaseMs', leaseMs);
  positiveInteger('dedupeTtlMs', dedupeTtlMs);
  // A timer waits at most MAX_TIMER_MS; past it, every claim would time out at once.
  positiveInteger('storeTimeoutMs', storeTimeoutMs, MAX_TIMER_MS);
  if (dedupe === undefined && options.storeTimeoutMs !== undefined) {
    throw new TypeError(
      "vobiz-webhooks: `storeTimeoutMs` bounds the worker's `dedupe` store, and none was given; drop one.",
    );
  }
  if (onFailed !== undefined && typeof onFailed !== 'function') {
    throw new TypeError('vobiz-webhooks: `onFailed` must be a function of (event, error).');
  }
  if (dedupe !== undefined && dedupe.maxTtlMs !== undefined && dedupe.maxTtlMs < dedupeTtlMs) {
    throw new TypeError(
      `vobiz-webhooks: the worker's dedupe store keeps a completed handler for at most ${dedupe.maxTtlMs} ms, ` +
        `shorter than dedupeTtlMs (${dedupeTtlMs} ms); build the store with a longer ttlMs.`,
    );
  }
  if (connection === undefined || connection === null) {
    throw new TypeError(
      'vobiz-webhooks: `connection` is required, e.g. createWorker({ connection: process.env.REDIS_URL, on }).',
    );
  }
  const warn = (line: string) => log?.warn(line);
  const connectionOptions = backend === undefined ? workerConnection(connection as RedisConnection, warn) : connection;

  const tokenPrefix = `${randomUUID()}:`;
  let claims = 0;
  // Handler keys may hold any character: the length keeps `<key>` and `<event key>` apart.
  const storeKey = (handlerKey: string, key: string) => `handler:${handlerKey.length}:${handlerKey}:${key}`;

  /** One handler, under the `dedupe` claim when there is a store: resolves once it ran, or had already. */
  async function runOne(event: VobizEvent, key: string, keepMs: number, routed: RoutedHandler): Promise<void> {
    if (dedupe === undefined) {
      await routed.handler(event);
      return;
    }
    const id = storeKey(routed.key, key);
    const token = tokenPrefix + ++claims;
    const store = dedupe;
    // A store that never answers fails the attempt (retried) instead of holding the job and its slot.
    const bounded = <T>(pending: T | PromiseLike<T>, operation: string, late?: (value: T) => unknown) =>
      withinTime(Promise.resolve(pending), storeTimeoutMs, `the dedupe store's ${operation}`, late);
    const giveBack = (late: string) => (late === 'claimed' ? store.release(id, token) : undefined);
    let claimed: string;
    try {
      claimed = await bounded(store.claim(id, leaseMs, token), 'claim', giveBack);
    } catch (cause) {
      throw new ClaimFailed(`the dedupe store gave no claim: ${reasonOf(cause)}`, { cause });
    }
    if (claimed === 'done') return;
    if (claimed === 'processing') {
      throw new HandlerInProgress(`handler '${routed.key}' is running in another attempt; retried after it finished.`);
    }
    try {
      await routed.handler(event);
    } catch (error) {
      try {
        await bounded(store.release(id, token), 'release');
      } catch (cause) {
        log?.error('[vobiz-webhooks] could not release a handler claim; the retry waits for its lease.', cause);
      }
      throw error;
    }
    try {
      await bounded(store.complete(id, keepMs, token), 'complete');
    } catch (cause) {
      // The job's own record below still keeps the re-runs of this job from running it again.
      log?.error('[vobiz-webhooks] could not mark a handler done in the dedupe store.', cause);
    }
  }

  async function processJob(job: Job<VobizJobData, void, string>): Promise<void> {
    const data = readJobData(job.data);
    if (data === undefined) {
      throw new UnrecoverableError(`job ${safeName(job.id, 64)} is not a vobiz-webhooks event ({ event, key }).`);
    }
    const { event, key } = data;
    // As long as the receiver remembers the event, when that is longer (metaWebhook's 7 days).
    const keepMs = Math.max(dedupeTtlMs, data.keepMs ?? 0);
    const done = new Set(completedHandlers(job.progress));
    const pending = handlersFor(event.event_type).filter((routed) => !done.has(routed.key));
    if (pending.length === 0) return;

    // Each completion is written as soon as it happens, one write after the other, each
    // with everything completed so far: a crash loses at most the handler that was running.
    let written: Promise<void> = Promise.resolve();
    const record = (handlerKey: string): Promise<void> => {
      done.add(handlerKey);
      const progress: VobizJobProgress = { completedHandlers: [...done] };
      written = written.catch(() => undefined).then(() => job.updateProgress(progress as never));
      return written;
    };
    // With one handler left, the job's own completion is its record: no write of its own
    // (one Redis round trip per job, about a fifth of a bare worker's cost per job).
    const recordEach = pending.length > 1;
    const outcomes = await Promise.allSettled(
      pending.map(async (routed) => {
        await runOne(event, key, keepMs, routed);
        if (recordEach) await record(routed.key);
      }),
    );
    const failures = outcomes.flatMap((outcome, index) =>
      outcome.status === 'rejected'
        ? [{ key: (pending[index] as RoutedHandler).key, error: outcome.reason as unknown }]
        : [],
    );
    if (failures.length === 0) return;
    const what = `${safeName(event.event_type, 64)} (event_id ${safeName(event.event_id, 64)})`;
    for (const failure of failures) {
      if (failure.error instanceof HandlerInProgress) continue;
      const outcome = failure.error instanceof ClaimFailed ? 'was not run (its dedupe claim failed)' : 'failed';
      log?.error(
        `[vobiz-webhooks] handler '${safeName(failure.key, 64)}' for ${what} ${outcome} on attempt ` +
          `${job.attemptsMade + 1}; it is retried after the backoff.`,
        failure.error,
      );
    }
    const summary = failures.map((failure) => `'${failure.key}': ${reasonOf(failure.error)}`).join('; ');
    throw new HandlersFailedError(
      failures.length === 1 ? `handler ${summary}` : `${failures.length} handlers failed: ${summary}`,
      failures,
    );
  }

  const settings = {
    ...workerOptions,
    connection: connectionOptions,
    concurrency,
    ...(workerName === undefined ? {} : { name: workerName }),
  };
  const worker = (
    backend === undefined
      ? new Worker(name, processJob as never, settings as never)
      : new Worker(name, processJob as never, settings as never, backend as never)
  ) as VobizWorker<C>;

  // Without a listener an 'error' event would crash the process; BullMQ reconnects by itself.
  const reportError = rateLimited(log);
  worker.on('error', (error) => reportError(`[vobiz-webhooks] worker for queue '${name}': error.`, error));
  worker.on('failed', (job, error) => {
    // Every failed attempt is reported here; `finishedOn` is set only once the job moved to the failed set.
    if (job === undefined || typeof job.finishedOn !== 'number') return;
    const data = readJobData(job.data);
    log?.error(
      `[vobiz-webhooks] job ${safeName(job.id, 64)} failed for good after ${job.attemptsMade} attempt(s): ` +
        `${reasonOf(error)}. It stays in the failed set: \`vobiz-webhooks queue retry\` runs it again.`,
    );
    if (onFailed === undefined || data === undefined) return;
    void (async () => onFailed(data.event, error))().catch((cause: unknown) =>
      log?.error('[vobiz-webhooks] onFailed threw.', cause),
    );
  });

  return { worker, close: () => worker.close() };
}
