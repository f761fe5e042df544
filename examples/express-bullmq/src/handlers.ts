import { createWorker, type RedisConnection, type VobizEvent, type VobizEventWorker } from '@vobiz-webhooks/bullmq';
import { callsOf, messagesOf, statusesOf, type Logger, type Message } from '@vobiz-webhooks/core';

/** What a handler did with one event: the worker prints it, the tests assert it. */
export interface Handled {
  eventType: string;
  eventId: string;
  lines: string[];
}

export interface ExampleWorkerOptions {
  /** The Redis the web process enqueues into. The worker waits out a Redis restart (`maxRetriesPerRequest: null`). */
  connection: RedisConnection;
  /** The queue's name, the same as the web process's. */
  name: string;
  /** Where each handled event goes: a real app writes to its CRM or database here. */
  record: (handled: Handled) => void | Promise<void>;
  /** A stand-in for the slow call a real handler makes. Default 0. */
  workMs?: number;
  /** Jobs run at once by this process. Default 10. */
  concurrency?: number;
  /** An event whose every attempt failed. Default: one line on `console.error`. */
  onFailed?: (event: VobizEvent, error: Error) => void;
  /** Default `console`. */
  logger?: Logger | false;
}

function describeMessage(message: Message): string {
  const text = message.text?.body ?? message.image?.caption ?? message.document?.filename;
  return `${message.type} from ${message.from ?? '(username user)'}${text === undefined ? '' : `: "${text}"`}`;
}

const pause = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

const reportFailed = (event: VobizEvent, error: Error) =>
  console.error(
    `gave up on ${event.event_type} ${event.event_id} after its last attempt: ${error.message}. ` +
      'The job stays in the failed set, to be retried once the cause is fixed.',
  );

/**
 * The worker process: the handlers the web process would have run inline, each event
 * once, with retries and backoff when a handler throws.
 */
export function createExampleWorker({
  connection,
  name,
  record,
  workMs = 0,
  concurrency = 10,
  onFailed = reportFailed,
  logger,
}: ExampleWorkerOptions): VobizEventWorker {
  return createWorker({
    connection,
    name,
    concurrency,
    ...(logger === undefined ? {} : { logger }),
    onFailed,
    on: {
      // Each event is typed by its key, as in inline mode: here a MessageInboundEvent.
      'message.inbound': async (event) => {
        await pause(workMs);
        // A Meta payload can batch several messages: never read only the first.
        await record({
          eventType: event.event_type,
          eventId: event.event_id,
          lines: messagesOf(event).map(describeMessage),
        });
      },
      'message.status': async (event) => {
        await pause(workMs);
        const lines = statusesOf(event).map((s) => {
          const error = s.errors?.[0] ? ` (error ${s.errors[0].code})` : '';
          return `${s.status} for ${s.recipient_id ?? 'a username user'}${error}`;
        });
        await record({ eventType: event.event_type, eventId: event.event_id, lines });
      },
      'call.*': async (event) => {
        await pause(workMs);
        const lines = [
          ...callsOf(event).map((c) => `call ${c.event} ${c.from} → ${c.to}${c.status ? ` (${c.status})` : ''}`),
          // call.status_change carries its update as a status of the call.
          ...statusesOf(event).map((s) => `call status ${s.status}`),
        ];
        await record({ eventType: event.event_type, eventId: event.event_id, lines });
      },
    },
  });
}
