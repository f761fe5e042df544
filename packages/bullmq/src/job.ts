import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { VobizEvent } from '@vobiz-webhooks/core';

/** What each job carries: the verified event, and the key the receiver deduped it on. */
export interface VobizJobData {
  event: VobizEvent;
  key: string;
  /**
   * How long the receiver remembers the event (its `dedupeTtlMs`, in ms), when it said: the
   * worker's dedupe store then keeps each handler's completion at least that long.
   */
  keepMs?: number;
}

/** A job of the queue, as BullMQ's getters return it (read its data through `readJobData`). */
export type VobizJob = Job<VobizJobData, void, string>;

/**
 * The job id of a dedupe key: the same key always gives the same id, so a second add of
 * an event while its job is kept is a no-op. Hashed because BullMQ refuses ids with ':'
 * or that look like integers, and a key may be either (or long).
 */
export const jobIdFor = (key: string): string => `vobiz-${createHash('sha256').update(key).digest('base64url')}`;

/** Which of an event's handlers already completed, kept in the job's progress so a re-run skips them. */
export interface VobizJobProgress {
  completedHandlers: string[];
}

export function completedHandlers(progress: unknown): string[] {
  const list = (progress as Partial<VobizJobProgress> | null | undefined)?.completedHandlers;
  return Array.isArray(list) ? list.filter((key): key is string => typeof key === 'string') : [];
}

/** Job data that did not come from `bullmqQueue` (another producer on the same queue) is refused, not guessed at. */
export function readJobData(data: unknown): VobizJobData | undefined {
  const { event, key, keepMs } = (data ?? {}) as Partial<VobizJobData>;
  if (typeof event !== 'object' || event === null || typeof event.event_type !== 'string') return undefined;
  if (typeof event.event_id !== 'string') return undefined;
  return {
    event,
    key: typeof key === 'string' && key !== '' ? key : event.event_id,
    ...(Number.isSafeInteger(keepMs) && (keepMs as number) > 0 ? { keepMs: keepMs as number } : {}),
  };
}
