// POST /api/webhooks/vobiz on the default Node.js runtime: `node:crypto` does the HMAC.
import { vobizWebhook } from '@vobiz-webhooks/next';
import { on, received } from '../../../../lib/handlers';
import { listReceived } from '../../../../lib/received';

export const POST = vobizWebhook({ secret: process.env.VOBIZ_WEBHOOK_SECRET!, on });

// What the handlers of this route and of app/webhooks/meta saw (lib/handlers.ts).
export const GET = () => listReceived(received);

// Never cache or prerender a webhook route.
export const dynamic = 'force-dynamic';
