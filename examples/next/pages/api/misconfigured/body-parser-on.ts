// DON'T COPY THIS ONE. It shows the answer you get when Next's body parser is left
// on (no `export const config = { api: { bodyParser: false } }`): every delivery gets
// 500 raw_body_unavailable, whose message names the line to add. The end-to-end test
// uses it to check that answer against the real Next.js parser.
import { vobizWebhook } from '@vobiz-webhooks/next/pages';

export default vobizWebhook({
  secret: process.env.VOBIZ_WEBHOOK_SECRET!,
  on: {
    '*': async () => {
      throw new Error('never reached: the signature cannot be checked without the raw bytes');
    },
  },
});
