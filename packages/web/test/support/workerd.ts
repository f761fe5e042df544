import { builtinModules } from 'node:module';
import { build, type Metafile } from 'esbuild';
import type { Miniflare as MiniflareType } from 'miniflare';
import { RUNTIME_ENV, describeRuntimeChecks } from './runtime-checks';
import { runtimeBinary } from './runtime';

const WORKERD = ['workerd', 'worker', 'browser'];

/** Bundles a Worker the way wrangler does, leaving any Node built-in import in place so the checks see it. */
async function bundle(
  worker: string,
  conditions: string[],
): Promise<{ code: string; metafile: Metafile; warnings: string[] }> {
  const result = await build({
    entryPoints: [worker],
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
  return {
    code: result.outputFiles[0]?.text ?? '',
    metafile: result.metafile,
    warnings: result.warnings.map(({ id, text }) => `${id}: ${text}`),
  };
}

const importsOf = (metafile: Metafile) => Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
const isNodeOnly = (path: string) => path.startsWith('node:') || builtinModules.includes(path.split('/')[0] as string);

export interface WorkerUnderTest {
  /** The Worker's entry file (a server of `serve/`), bundled from the built packages. */
  worker: string;
  ensureBuilt(): void;
  /** Inputs the bundle must contain beside core's Web build (the adapter's `dist`, its framework). */
  bundles?: readonly RegExp[];
}

/**
 * A Worker in workerd through miniflare, answering real HTTP with the secrets as bindings:
 * its bundle (the `workerd` condition) holds core's Web Crypto build and imports no Node
 * built-in, it passes the shared runtime checks, and it built its handlers from `env`
 * once for the isolate.
 */
export function describeWorkerdChecks(name: string, { worker, ensureBuilt, bundles = [] }: WorkerUnderTest): void {
  describe(name, () => {
    let mf: MiniflareType | undefined;
    let url = '';

    beforeAll(async () => {
      runtimeBinary('miniflare', 'package.json');
      ensureBuilt();
      const { code, metafile } = await bundle(worker, WORKERD);
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

    it('bundles core’s Web Crypto build (and the packages it is built on) and imports no Node built-in', async () => {
      const { metafile, warnings } = await bundle(worker, WORKERD);
      // What wrangler would print on deploy, such as an import it ignores as side-effect free.
      expect(warnings).toEqual([]);
      const inputs = Object.keys(metafile.inputs);
      for (const input of [/packages\/core\/dist\/index\.web\.js$/, ...bundles]) {
        expect(inputs).toContainEqual(expect.stringMatching(input));
      }
      expect(inputs).not.toContainEqual(expect.stringMatching(/packages\/core\/dist\/index\.js$/));
      expect(importsOf(metafile).filter(isNodeOnly)).toEqual([]);
    });

    it('the same check does see crypto under the Node condition (it can fail)', async () => {
      const { metafile } = await bundle(worker, ['node']);
      // Core's Node build imports it as `crypto` (tsup drops the prefix for node20).
      expect(importsOf(metafile).filter(isNodeOnly)).toContainEqual(expect.stringMatching(/^(node:)?crypto$/));
    });

    describeRuntimeChecks(() => url);

    it('built each handler from env once for the isolate, over every request above', async () => {
      const probe = (await (await fetch(`${url}/seen`)).json()) as { seen: string[]; built: number; metaBuilt: number };
      expect(probe.seen.filter((id) => !id.startsWith('meta:')).length).toBeGreaterThan(0);
      expect(probe.seen.filter((id) => id.startsWith('meta:')).length).toBeGreaterThan(0);
      expect([probe.built, probe.metaBuilt]).toEqual([1, 1]);
    });
  });
}
