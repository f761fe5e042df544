import type { EventHandlers } from '@vobiz-webhooks/bullmq';
import { summarize, type ReceivedSummary } from './received';

/**
 * The worker's handlers for events queued by `app/api/webhooks/vobiz-queued`: the same
 * typed `on` as an inline route. `record` is where a real app would call its CRM or
 * database; a throw fails the attempt, and the job is retried after a backoff.
 */
export function queuedHandlers(record: (summary: ReceivedSummary) => void | Promise<void>): EventHandlers {
  return {
    'message.inbound': async (event) => {
      await record(summarize(event, 'worker'));
    },
    'message.status': async (event) => {
      await record(summarize(event, 'worker'));
    },
    'call.*': async (event) => {
      await record(summarize(event, 'worker'));
    },
  };
}
