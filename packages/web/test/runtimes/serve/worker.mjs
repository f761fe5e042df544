// A Worker as users write it: the secret comes from `env`, known only at request time.
// The test bundles this with the `workerd` export condition, as wrangler does.
import { vobizWebhook } from '../../../dist/index.js';
import { webhookOptions, withProbe } from './app.mjs';

const seen = [];
let built = 0;
const webhook = vobizWebhook((env) => (built++, webhookOptions(env.VOBIZ_WEBHOOK_SECRET, seen)));

export default { fetch: withProbe(webhook, () => ({ seen, built })) };
