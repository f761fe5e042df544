import Router from '@koa/router';
import Koa from 'koa';
import { callsOf, messagesOf, statusesOf, type DedupeStore, type Logger } from '@vobiz-webhooks/core';
import { vobizWebhook } from '@vobiz-webhooks/koa';

/** One line per item a handler saw: what a real app would store, queue or reply to. */
export interface Received {
  event_type: string;
  event_id: string;
  /** `text from 16505551234: Hola`, `status delivered for wamid…`, `call connect from …`. */
  summary: string;
}

export interface ExampleAppOptions {
  secret: string | readonly string[];
  /** Default: the in-memory store; pass `redisDedupeStore(...)` when running several instances. */
  dedupe?: DedupeStore;
  /** Default `console`; tests pass their own. */
  logger?: Logger | false;
}

/**
 * A Koa app with the webhook on a @koa/router route beside ordinary routes. Handlers
 * record what they saw in `received` (served at GET /received), so the example and its
 * test can show exactly what reached the app.
 */
export function createApp({ secret, dedupe, logger }: ExampleAppOptions): { app: Koa; received: Received[] } {
  const received: Received[] = [];
  const record = (event_type: string, event_id: string, summary: string) =>
    void received.push({ event_type, event_id, summary });

  const webhook = vobizWebhook({
    secret,
    ...(dedupe ? { dedupe } : {}),
    ...(logger === undefined ? {} : { logger }),
    on: {
      'message.inbound': async (event) => {
        for (const message of messagesOf(event)) {
          const text = message.text?.body ?? message.type;
          record(event.event_type, event.event_id, `${message.type} from ${message.from ?? 'unknown'}: ${text}`);
        }
      },
      'message.status': async (event) => {
        for (const status of statusesOf(event))
          record(event.event_type, event.event_id, `status ${status.status} for ${status.id}`);
      },
      'call.*': async (event) => {
        // Call status changes arrive as statuses under field "calls"; the rest as calls.
        for (const call of callsOf(event))
          record(event.event_type, event.event_id, `call ${call.event} from ${call.from}`);
        for (const status of statusesOf(event))
          record(event.event_type, event.event_id, `call status ${status.status} for ${status.id}`);
      },
    },
  });

  const router = new Router();
  router.post('/webhooks/vobiz', webhook);
  router.get('/health', (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/received', (ctx) => {
    ctx.body = received;
  });

  const app = new Koa();
  app.use(router.routes()).use(router.allowedMethods());
  return { app, received };
}
