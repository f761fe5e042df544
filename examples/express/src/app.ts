import express, { type Express } from 'express';
import { metaWebhook, vobizWebhook } from '@vobiz-webhooks/express';
import {
  callsOf,
  messagesOf,
  statusesOf,
  type DedupeStore,
  type EventHandlers,
  type Logger,
  type Message,
} from '@vobiz-webhooks/core';

/** What a handler saw in one event: the demo prints it, the tests assert it. */
export interface Seen {
  eventType: string;
  eventId: string;
  lines: string[];
}

export interface AppOptions {
  /** The Vobiz subscription secret (or two during a rotation). */
  secret: string | readonly string[];
  /**
   * Meta's WhatsApp Cloud API received directly, at `/webhooks/meta` (the `GET` handshake and
   * signed `POST`s), by the same handlers. Leave it out to receive only from Vobiz.
   */
  meta?: {
    /** The Meta app's App Secret (App settings → Basic). */
    appSecret: string | readonly string[];
    /** The Verify Token entered beside the callback URL in the app dashboard. */
    verifyToken: string;
  };
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

/** The typed handlers, whichever route an event came in by. */
function handlers(record: (seen: Seen) => void): EventHandlers {
  return {
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
  };
}

export function createApp({ secret, meta, store, record = printSeen, logger }: AppOptions): Express {
  const app = express();
  const on = handlers(record);
  const shared = {
    ...(store === undefined ? {} : { dedupe: store }),
    ...(logger === undefined ? {} : { logger }),
    on,
  };

  // The webhooks go first: they read the raw body themselves, because the signature is over
  // the exact bytes. An express.json() mounted before them would leave nothing to verify.
  // Each answers its own path (`/webhooks/vobiz`, `/webhooks/meta`) and passes the rest on.
  app.use(vobizWebhook({ secret, ...shared }));
  if (meta !== undefined) app.use(metaWebhook({ ...meta, ...shared }));

  // The rest of the app parses JSON as usual.
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}
