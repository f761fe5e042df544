// POST /api/webhooks/vobiz-edge on the Edge runtime: the same handler, with Web Crypto
// (Next.js resolves @vobiz-webhooks/core to its `edge-light` build here).
import { vobizWebhook } from '@vobiz-webhooks/next';
import { listReceived, summarize, type ReceivedSummary } from '../../../../lib/received';

export const runtime = 'edge';
export const dynamic = 'force-dynamic';

// Per Edge instance: fine for this demo and its test, not a store for a real app.
const received: ReceivedSummary[] = [];

export const POST = vobizWebhook({
  secret: process.env.VOBIZ_WEBHOOK_SECRET!,
  on: {
    '*': async (event) => {
      received.push(summarize(event, 'edge'));
    },
  },
});

export const GET = () => listReceived(received);
