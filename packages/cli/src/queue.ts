import type { BullmqEventQueue, VobizJob as Job } from '@vobiz-webhooks/bullmq';
import { terminalText } from './terminal-text';

/** Which queue: the Redis it lives in, its name and key prefix, and how long to wait for Redis. */
export interface QueueTarget {
  redis: string;
  name: string;
  prefix?: string;
  timeoutMs: number;
}

/** One failed job as `queue failed` prints it. */
export interface FailedEvent {
  eventId: string;
  eventType: string;
  attempts: number;
  lastError: string;
  failedAt: string;
}

/** Redis could not be reached, or did not answer in time: exit 1, with the URL's password hidden. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
}

const PAGE = 100;

/** A URL fit to print: its password replaced. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

async function withTimeout<T>(work: Promise<T>, target: QueueTarget): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new QueueError(`Redis at ${redactedUrl(target.redis)} did not answer within ${target.timeoutMs} ms.`)),
      target.timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens the queue, runs `work`, closes it. The package is loaded here, not at start-up,
 * so `send`, `sign`, `verify` and `listen` never load BullMQ.
 */
async function withQueue<T>(target: QueueTarget, work: (events: BullmqEventQueue) => Promise<T>): Promise<T> {
  const { bullmqQueue } = await import('@vobiz-webhooks/bullmq');
  const events = bullmqQueue({
    // A command-line tool fails once instead of reconnecting forever.
    connection: { url: target.redis, enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null },
    name: target.name,
    logger: false,
    ...(target.prefix === undefined ? {} : { prefix: target.prefix }),
  });
  try {
    await withTimeout(events.queue.waitUntilReady(), target);
    return await withTimeout(work(events), target);
  } catch (error) {
    if (error instanceof QueueError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new QueueError(`cannot use queue '${target.name}' at ${redactedUrl(target.redis)}: ${reason}`, {
      cause: error,
    });
  } finally {
    await events.close().catch(() => undefined);
  }
}

async function allFailed(events: BullmqEventQueue): Promise<Job[]> {
  const jobs: Job[] = [];
  for (let start = 0; ; start += PAGE) {
    const page = await events.queue.getFailed(start, start + PAGE - 1);
    jobs.push(...page);
    if (page.length < PAGE) return jobs;
  }
}

async function describeJob(job: Job): Promise<FailedEvent> {
  const { readJobData } = await import('@vobiz-webhooks/bullmq');
  const data = readJobData(job.data);
  return {
    eventId: data?.event.event_id ?? `(job ${String(job.id)})`,
    eventType: data?.event.event_type ?? String(job.name),
    attempts: job.attemptsMade,
    lastError: job.failedReason ?? '',
    failedAt: typeof job.finishedOn === 'number' ? new Date(job.finishedOn).toISOString() : '',
  };
}

/** The failed set (the dead-letter list), oldest first. */
export async function listFailed(target: QueueTarget): Promise<FailedEvent[]> {
  return withQueue(target, async (events) => Promise.all((await allFailed(events)).reverse().map(describeJob)));
}

/** Lines for a terminal: a header, then one row per job; every value shortened and escaped. */
export function formatFailed(failed: readonly FailedEvent[]): string[] {
  const rows = failed.map((job) => [
    terminalText(job.eventId),
    terminalText(job.eventType),
    terminalText(job.attempts),
    terminalText(job.failedAt),
    terminalText(job.lastError),
  ]);
  const header = ['EVENT ID', 'TYPE', 'ATTEMPTS', 'FAILED AT', 'LAST ERROR'];
  const widths = header.map((title, column) =>
    column === header.length - 1 ? 0 : Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  return [header, ...rows].map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * Puts failed jobs back in the queue (`job.retry()`): every one, or those of one event
 * (found by its job id, or by the event id in the job's data when a custom dedupeKey
 * made the id). Each gets one more attempt, or the whole schedule with `resetAttempts`.
 */
export async function retryFailed(
  target: QueueTarget,
  which: { all: true } | { eventId: string },
  resetAttempts = false,
): Promise<FailedEvent[]> {
  const { jobIdFor, readJobData } = await import('@vobiz-webhooks/bullmq');
  return withQueue(target, async (events) => {
    let jobs: Job[];
    if ('all' in which) {
      jobs = await allFailed(events);
    } else {
      const byId = await events.queue.getJob(jobIdFor(which.eventId));
      jobs =
        byId !== undefined && (await byId.getState()) === 'failed'
          ? [byId]
          : (await allFailed(events)).filter((job) => {
              const data = readJobData(job.data);
              return data?.event.event_id === which.eventId || data?.key === which.eventId;
            });
    }
    const retried: FailedEvent[] = [];
    for (const job of jobs) {
      const described = await describeJob(job);
      await job.retry('failed', resetAttempts ? { resetAttemptsMade: true, resetAttemptsStarted: true } : {});
      retried.push(described);
    }
    return retried;
  });
}
