import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { vobizWebhook } from '@vobiz-webhooks/fastify';
import { callsOf, messagesOf, statusesOf, type DedupeStore, type Logger } from '@vobiz-webhooks/core';

/** What a handler saw in one event: the server logs it, the tests assert it. */
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
  /** Called by every handler. Default: log it through Fastify's logger. */
  record?: (seen: Seen) => void;
  /** The library's warnings and errors. Default: Fastify's logger (`app.log`). */
  logger?: Logger | false;
  /** Fastify's own options (`logger`, `bodyLimit`, …). */
  fastify?: FastifyServerOptions;
}

export async function buildApp({ secret, store, record, logger, fastify }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify(fastify);
  const seen = record ?? ((entry: Seen) => app.log.info(entry, 'vobiz event handled'));

  // Its own encapsulated context: the webhook keeps the raw bytes, and nothing else changes.
  await app.register(vobizWebhook, {
    secret,
    ...(store === undefined ? {} : { dedupe: store }),
    ...(logger === undefined ? {} : { logger }),
    on: {
      'message.inbound': async (event) => {
        // A Meta payload can batch several messages: never read only the first.
        const lines = messagesOf(event).map(
          (m) => `${m.type} from ${m.from ?? '(username user)'}: ${m.text?.body ?? ''}`,
        );
        seen({ eventType: event.event_type, eventId: event.event_id, lines });
      },
      'message.status': async (event) => {
        const lines = statusesOf(event).map((s) => `${s.status} for ${s.recipient_id ?? 'a username user'}`);
        seen({ eventType: event.event_type, eventId: event.event_id, lines });
      },
      'call.*': async (event) => {
        const lines = callsOf(event).map((c) => `call ${c.event} ${c.from} → ${c.to}`);
        seen({ eventType: event.event_type, eventId: event.event_id, lines });
      },
    },
  });

  // The rest of the app parses JSON as Fastify always does.
  app.post<{ Body: { items?: unknown[] } }>('/api/orders', async (request, reply) =>
    reply.code(201).send({ accepted: request.body }),
  );
  app.get('/health', async () => ({ ok: true }));
  return app;
}
