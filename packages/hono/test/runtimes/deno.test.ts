import { join } from 'node:path';
import { RUNTIME_ENV, describeRuntimeChecks } from '../../../web/test/support/runtime-checks';
import { runtimeBinary, runtimeVersion, serve, type Served } from '../../../web/test/support/runtime';
import { HONO_SERVE_DIR, ensureHonoBuilt } from './support/runtime';

// A Hono app from the built package under `Deno.serve(app.fetch)`, answering real HTTP. Deno
// resolves `hono` and `@vobiz-webhooks/core` through node_modules, as in a project with a package.json.
describe('Deno.serve with a Hono app and the built handlers', () => {
  let server: Served | undefined;

  beforeAll(async () => {
    const deno = runtimeBinary('deno', 'deno');
    const version = runtimeVersion(deno, 'deno').split('\n')[0];
    ensureHonoBuilt();
    const script = join(HONO_SERVE_DIR, 'deno.mjs');
    const args = ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', '--no-prompt', script];
    server = await serve(deno, args, RUNTIME_ENV);
    console.info(`${version} at ${server.url}`);
  }, 240_000);
  afterAll(() => server?.stop());

  describeRuntimeChecks(() => (server as Served).url);
});
