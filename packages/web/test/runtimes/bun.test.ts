import { ensureBuilt } from '../support/built';
import { RUNTIME_ENV, describeRuntimeChecks } from '../support/runtime-checks';
import { runtimeBinary, runtimeVersion, serve, type Served } from '../support/runtime';

// `Bun.serve({ fetch: vobizWebhook(options) })` from the built package, answering real HTTP.
const bun = runtimeBinary('bun', 'bin/bun.exe');

(bun === undefined ? describe.skip : describe)('Bun.serve with the built handler', () => {
  let server: Served | undefined;

  beforeAll(async () => {
    const version = runtimeVersion(bun as string, 'bun');
    ensureBuilt();
    server = await serve(bun as string, ['bun.mjs'], RUNTIME_ENV);
    console.info(`bun ${version} at ${server.url}`);
  }, 240_000);
  afterAll(() => server?.stop());

  describeRuntimeChecks(() => (server as Served).url);
});
