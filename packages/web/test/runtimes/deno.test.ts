import { ensureBuilt } from '../support/built';
import { RUNTIME_ENV, describeRuntimeChecks } from '../support/runtime-checks';
import { runtimeBinary, runtimeVersion, serve, type Served } from '../support/runtime';

// `Deno.serve(vobizWebhook(options))` from the built package, answering real HTTP. Deno
// resolves `@vobiz-webhooks/core` through node_modules, as in a project with a package.json.
describe('Deno.serve with the built handler', () => {
  let server: Served | undefined;

  beforeAll(async () => {
    const deno = runtimeBinary('deno', 'deno');
    const version = runtimeVersion(deno, 'deno').split('\n')[0];
    ensureBuilt();
    const args = ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', '--no-prompt', 'deno.mjs'];
    server = await serve(deno, args, RUNTIME_ENV);
    console.info(`${version} at ${server.url}`);
  }, 240_000);
  afterAll(() => server?.stop());

  describeRuntimeChecks(() => (server as Served).url);
});
