import { join } from 'node:path';
import { RUNTIME_ENV, describeRuntimeChecks } from '../../../web/test/support/runtime-checks';
import { runtimeBinary, runtimeVersion, serve, type Served } from '../../../web/test/support/runtime';
import { HONO_SERVE_DIR, ensureHonoBuilt } from './support/runtime';

// A Hono app (`app.post(path, vobizWebhook(o))`, `app.on(['GET', 'POST'], path, metaWebhook(o))`)
// from the built package under `Bun.serve({ fetch: app.fetch })`, answering real HTTP.
describe('Bun.serve with a Hono app and the built handlers', () => {
  let server: Served | undefined;

  beforeAll(async () => {
    // The binary itself, not the node_modules/.bin shim, so stopping it stops the server.
    const bun = runtimeBinary('bun', 'bin/bun.exe');
    const version = runtimeVersion(bun, 'bun');
    ensureHonoBuilt();
    server = await serve(bun, [join(HONO_SERVE_DIR, 'bun.mjs')], RUNTIME_ENV);
    console.info(`bun ${version} at ${server.url}`);
  }, 240_000);
  afterAll(() => server?.stop());

  describeRuntimeChecks(() => (server as Served).url);
});
