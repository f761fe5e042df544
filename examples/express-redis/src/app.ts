import express, { type Express } from 'express';
import { messagesOf, statusesOf, type DedupeStore, type VobizWebhookOptions } from '@vobiz-webhooks/core';
import { vobizWebhook } from '@vobiz-webhooks/express';

/** What a handler did, one line per item: a real app would reply, store or enqueue here. */
export interface Handled {
  event_id: string;
  summary: string;
}

export interface ExampleAppOptions {
  secret: string | readonly string[];
  /** `redisDedupeStore({ client })`: shared by every instance, so each event is handled once. */
  dedupe: DedupeStore;
  /** Called for each inbound message; defaults to logging it. The test makes it fail once. */
  onMessage?: (summary: string) => void | Promise<void>;
  /** Default `console`. */
  logger?: VobizWebhookOptions['logger'];
}

export function createApp({
  secret,
  dedupe,
  onMessage = (summary) => console.log(summary),
  logger = console,
}: ExampleAppOptions): {
  app: Express;
  handled: Handled[];
} {
  const handled: Handled[] = [];
  const app = express();

  // Before express.json(): the signature is over the raw bytes, which the middleware reads itself.
  app.use(
    vobizWebhook({
      secret,
      dedupe,
      logger,
      on: {
        'message.inbound': async (event) => {
          for (const message of messagesOf(event)) {
            const summary = `${message.type} from ${message.from ?? 'unknown'}: ${message.text?.body ?? ''}`;
            // Throwing here answers 500 and releases the claim, so Vobiz's retry runs it again.
            await onMessage(summary);
            handled.push({ event_id: event.event_id, summary });
          }
        },
        'message.status': async (event) => {
          for (const status of statusesOf(event))
            handled.push({ event_id: event.event_id, summary: `${status.status} ${status.id}` });
        },
      },
    }),
  );
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return { app, handled };
}
