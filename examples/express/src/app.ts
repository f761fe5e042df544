import express, { type Express } from 'express';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { callsOf, messagesOf, statusesOf, type DedupeStore, type Logger, type Message } from '@vobiz-webhooks/core';

/** What a handler saw in one event: the demo prints it, the tests assert it. */
export interface Seen {
  eventType: string;
  eventId: string;
  lines: string[];
}

export interface AppOptions {
  /** The Vobiz subscription secret (or two during a rotation). */
  secret: string | readonly string[];
  /** Where handled event ids live. Default: the in-memory store (one process). */
  store?: DedupeStore;
  /** Called by every handler. Default: print to the console. */
  record?: (seen: Seen) => void;
  /** Default `console`. */
  logger?: Logger | false;
}

function describeMessage(message: Message): string {
  const text = message.text?.body ?? message.image?.caption ?? message.document?.filename;
  return `${message.type} from ${message.from ?? '(username user)'}${text === undefined ? '' : `: "${text}"`}`;
}

const printSeen = (seen: Seen) => console.log(`${seen.eventType} ${seen.eventId}\n  ${seen.lines.join('\n  ')}`);

export function createApp({ secret, store, record = printSeen, logger }: AppOptions): Express {
  const app = express();

  // The webhook goes first: it reads the raw body itself, because the signature is over
  // the exact bytes. An express.json() mounted before it would leave nothing to verify.
  app.use(
    vobizWebhook({
      secret,
      ...(store === undefined ? {} : { dedupe: store }),
      ...(logger === undefined ? {} : { logger }),
      on: {
        'message.inbound': async (event) => {
          // A Meta payload can batch several messages: never read only the first.
          record({
            eventType: event.event_type,
            eventId: event.event_id,
            lines: messagesOf(event).map(describeMessage),
          });
        },
        'message.status': async (event) => {
          const lines = statusesOf(event).map(
            (s) =>
              `${s.status} for ${s.recipient_id ?? 'a username user'}${s.errors?.[0] ? ` (error ${s.errors[0].code})` : ''}`,
          );
          record({ eventType: event.event_type, eventId: event.event_id, lines });
        },
        'call.*': async (event) => {
          const lines = [
            ...callsOf(event).map((c) => `call ${c.event} ${c.from} → ${c.to}${c.status ? ` (${c.status})` : ''}`),
            // call.status_change carries its update as a status of the call.
            ...statusesOf(event).map((s) => `call status ${s.status}`),
          ];
          record({ eventType: event.event_type, eventId: event.event_id, lines });
        },
      },
    }),
  );

  // The rest of the app parses JSON as usual.
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}
