import { Hono } from 'hono';
import { callsOf, messagesOf, statusesOf, type Logger } from '@vobiz-webhooks/core';
import { vobizWebhook } from '@vobiz-webhooks/hono';

export interface AppOptions {
  secret: string;
  logger?: Logger | false;
}

/**
 * The same app on every runtime (src/node.ts, bun.ts, deno.ts, worker.ts). Its handlers record one
 * line per message, status or call; `GET /received` shows them (per process, or per Worker isolate).
 */
export function createApp({ secret, logger }: AppOptions) {
  const received: string[] = [];
  const app = new Hono();
  app.all(
    '/webhooks/vobiz',
    vobizWebhook({
      secret,
      ...(logger === undefined ? {} : { logger }),
      on: {
        'message.inbound': (event) => {
          for (const m of messagesOf(event)) received.push(`message ${m.type ?? '?'} from ${m.from ?? '?'}`);
        },
        'message.status': (event) => {
          for (const s of statusesOf(event)) received.push(`status ${s.status ?? '?'} of ${s.id ?? '?'}`);
        },
        'call.*': (event) => {
          for (const c of callsOf(event)) received.push(`call ${c.event ?? '?'} from ${c.from ?? '?'}`);
        },
      },
    }),
  );
  app.get('/received', (c) => c.json(received));
  app.post('/api/echo', async (c) => c.json(await c.req.json()));
  return { app, received };
}
