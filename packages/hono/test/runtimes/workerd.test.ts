import { join } from 'node:path';
import { describeWorkerdChecks } from '../../../web/test/support/workerd';
import { HONO_SERVE_DIR, ensureHonoBuilt } from './support/runtime';

// A Hono app as a Worker (`export default app`, the handlers built from `c.env` on the first
// request) in workerd through miniflare, bundled the way wrangler bundles it.
describeWorkerdChecks('workerd (miniflare) with a Hono app and the built handlers', {
  worker: join(HONO_SERVE_DIR, 'worker.mjs'),
  ensureBuilt: ensureHonoBuilt,
  bundles: [/packages\/hono\/dist\/index\.js$/, /node_modules\/hono\//],
});
