import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import type { Miniflare as MiniflareType } from 'miniflare';
import { ensureBuilt } from '../support/built';
import { RUNTIME_ENV, describeRuntimeChecks } from '../support/runtime-checks';
import { runtimeBinary, SERVE_DIR } from '../support/runtime';

// A Worker (`export default { fetch: vobizWebhook((env) => options) }`, and `metaWebhook` the
// same way) in workerd through miniflare, answering real HTTP, with the secrets as bindings.
// The Worker is bundled the way wrangler bundles it: the `workerd` export condition, and no
// Node built-ins.
const WORKER = join(SERVE_DIR, 'worker.mjs');

/** Bundles the Worker, leaving any Node built-in import in place so the checks see it. */
async function bundle(conditions: string[]): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    entryPoints: [WORKER],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions,
    mainFields: ['module', 'main'],
    external: ['node:*', ...builtinModules],
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]?.text ?? '', metafile: result.metafile };
}

const importsOf = (metafile: Metafile) => Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
const isNodeOnly = (path: string) => path.startsWith('node:') || builtinModules.includes(path.split('/')[0] as string);

describe('workerd (miniflare) with the built handler', () => {
  let mf: MiniflareType | undefined;
  let url = '';

  beforeAll(async () => {
    runtimeBinary('miniflare', 'package.json');
    ensureBuilt();
    const { code, metafile } = await bundle(['workerd', 'worker', 'browser']);
    expect(importsOf(metafile)).toEqual([]);
    const { Miniflare } = await import('miniflare');
    mf = new Miniflare({
      modules: true,
      script: code,
      bindings: RUNTIME_ENV,
      compatibilityDate: '2026-04-01',
      host: '127.0.0.1',
      port: 0,
    });
    url = String(await mf.ready).replace(/\/$/, '');
    console.info(`workerd through miniflare at ${url}`);
  }, 240_000);
  afterAll(() => mf?.dispose());

  it('bundles with core’s Web Crypto build and imports no Node built-in', async () => {
    const { metafile } = await bundle(['workerd', 'worker', 'browser']);
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContainEqual(expect.stringMatching(/packages\/core\/dist\/index\.web\.js$/));
    expect(inputs).not.toContainEqual(expect.stringMatching(/packages\/core\/dist\/index\.js$/));
    expect(importsOf(metafile).filter(isNodeOnly)).toEqual([]);
  });

  it('the same check does see crypto under the Node condition (it can fail)', async () => {
    const { metafile } = await bundle(['node']);
    // Core's Node build imports it as `crypto` (tsup drops the prefix for node20).
    expect(importsOf(metafile).filter(isNodeOnly)).toContainEqual(expect.stringMatching(/^(node:)?crypto$/));
  });

  describeRuntimeChecks(() => url);

  it('built each receiver from env once for the isolate, over every request above', async () => {
    const probe = (await (await fetch(`${url}/seen`)).json()) as { seen: string[]; built: number; metaBuilt: number };
    expect(probe.seen.filter((id) => !id.startsWith('meta:')).length).toBeGreaterThan(0);
    expect(probe.seen.filter((id) => id.startsWith('meta:')).length).toBeGreaterThan(0);
    expect([probe.built, probe.metaBuilt]).toEqual([1, 1]);
  });
});
