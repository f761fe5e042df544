// A Hono Worker as users write it: the secrets are bindings, in `c.env`, known only at request
// time, so each handler is built from them on the first request and kept for the isolate.
// The test bundles this with the `workerd` export condition, as wrangler does.
import { metaWebhook, vobizWebhook } from '../../../dist/index.js';
import { honoApp, metaOptions, webhookOptions } from './app.mjs';

const seen = [];
let built = 0;
let metaBuilt = 0;
let webhook;
let meta;
const lazyWebhook = (c, next) => {
  webhook ??= (built++, vobizWebhook(webhookOptions(c.env.VOBIZ_WEBHOOK_SECRET, seen)));
  return webhook(c, next);
};
const lazyMeta = (c, next) => {
  meta ??= (metaBuilt++, metaWebhook(metaOptions(c.env.META_APP_SECRET, c.env.META_VERIFY_TOKEN, seen)));
  return meta(c, next);
};

export default honoApp(lazyWebhook, lazyMeta, () => ({ seen, built, metaBuilt }));
