// A Worker as users write it: the secrets come from `env`, known only at request time.
// The test bundles this with the `workerd` export condition, as wrangler does.
import { metaWebhook, vobizWebhook } from '../../../dist/index.js';
import { metaOptions, webhookOptions, withProbe } from './app.mjs';

const seen = [];
let built = 0;
let metaBuilt = 0;
const webhook = vobizWebhook((env) => (built++, webhookOptions(env.VOBIZ_WEBHOOK_SECRET, seen)));
const meta = metaWebhook((env) => (metaBuilt++, metaOptions(env.META_APP_SECRET, env.META_VERIFY_TOKEN, seen)));

export default { fetch: withProbe(webhook, meta, () => ({ seen, built, metaBuilt })) };
