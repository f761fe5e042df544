// POST /api/webhooks/vobiz on the default Node.js runtime: `node:crypto` does the HMAC.
import { vobizWebhook } from '@vobiz-webhooks/next';
import { listReceived, summarize, type ReceivedSummary } from '../../../../lib/received';

const received: ReceivedSummary[] = [];

export const POST = vobizWebhook({
  secret: process.env.VOBIZ_WEBHOOK_SECRET!,
  on: {
    'message.inbound': async (event) => {
      received.push(summarize(event, 'nodejs'));
    },
    'message.status': async (event) => {
      received.push(summarize(event, 'nodejs'));
    },
    'call.*': async (event) => {
      received.push(summarize(event, 'nodejs'));
    },
  },
});

export const GET = () => listReceived(received);

// Never cache or prerender a webhook route.
export const dynamic = 'force-dynamic';
