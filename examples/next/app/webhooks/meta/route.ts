// GET and POST /webhooks/meta: Meta's WhatsApp Cloud API received directly, the callback URL
// entered in the Meta app's dashboard. GET answers Meta's subscription handshake (the Verify
// Token), POST the deliveries signed with the App Secret (X-Hub-Signature-256), one event per
// item of a batched body, handled by the same `on` as app/api/webhooks/vobiz.
import { metaWebhook } from '@vobiz-webhooks/next';
import { on } from '../../../lib/handlers';

export const { GET, POST } = metaWebhook({
  appSecret: process.env.META_APP_SECRET!,
  verifyToken: process.env.META_VERIFY_TOKEN!,
  on,
});

// Never cache or prerender a webhook route.
export const dynamic = 'force-dynamic';
