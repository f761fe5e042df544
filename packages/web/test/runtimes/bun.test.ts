import { ensureBuilt } from '../support/built';
import { RUNTIME_ENV, describeRuntimeChecks } from '../support/runtime-checks';
import { runtimeBinary, runtimeVersion, serve, type Served } from '../support/runtime';

// `Bun.serve({ fetch: vobizWebhook(options) })` from the built package, answering real HTTP.
describe('Bun.serve with the built handler', () => {
  let server: Served | undefined;

  beforeAll(async () => {
    const bun = runtimeBinary('bun', 'bin/bun.exe');
    const version = runtimeVersion(bun, 'bun');
    ensureBuilt();
    server = await serve(bun, ['bun.mjs'], RUNTIME_ENV);
    console.info(`bun ${version} at ${server.url}`);
  }, 240_000);
  afterAll(() => server?.stop());

  describeRuntimeChecks(() => (server as Served).url);
});
