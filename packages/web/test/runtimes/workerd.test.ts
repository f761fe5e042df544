import { join } from 'node:path';
import { ensureBuilt } from '../support/built';
import { SERVE_DIR } from '../support/runtime';
import { describeWorkerdChecks } from '../support/workerd';

// A Worker (`export default { fetch: vobizWebhook((env) => options) }`, and `metaWebhook` the
// same way) in workerd through miniflare, bundled the way wrangler bundles it.
describeWorkerdChecks('workerd (miniflare) with the built handler', {
  worker: join(SERVE_DIR, 'worker.mjs'),
  ensureBuilt,
  bundles: [/packages\/web\/dist\/index\.js$/],
});
