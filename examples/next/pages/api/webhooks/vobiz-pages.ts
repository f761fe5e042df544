// POST /api/webhooks/vobiz-pages with the Pages Router. The config line is required:
// Next's body parser would consume the stream and leave parsed JSON, whose bytes no
// longer match the signature.
import type { NextApiRequest, NextApiResponse } from 'next';
import { vobizWebhook } from '@vobiz-webhooks/next/pages';
import { receivedIsExposed, summarize, type ReceivedSummary } from '../../../lib/received';

export const config = { api: { bodyParser: false } };

const received: ReceivedSummary[] = [];

const webhook = vobizWebhook({
  secret: process.env.VOBIZ_WEBHOOK_SECRET!,
  on: {
    '*': async (event) => {
      received.push(summarize(event, 'nodejs'));
    },
  },
});

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  // Demo only (see lib/received.ts): list what this instance received.
  if (req.method === 'GET' && receivedIsExposed()) {
    res.setHeader('cache-control', 'no-store');
    res.status(200).json({ received });
    return;
  }
  await webhook(req, res);
}
