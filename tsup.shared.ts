import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Options } from 'tsup';

/**
 * `import "./chunk-….js";` with no binding: esbuild's code splitting adds one to an entry
 * for each chunk it reaches only through other chunks, to keep their evaluation order.
 */
const BARE_CHUNK_IMPORT = /^import "(?:\.\.?\/)+chunk-[\w-]+\.js";\r?\n/gm;

/**
 * Drops those imports from the ESM output. Every module of these packages is free of side
 * effects (each package.json says `"sideEffects": false`), so they order nothing, and
 * bundlers that honour `sideEffects` ignore them with a warning (wrangler and Vite do, for
 * every Worker built on core). A chunk an entry needs bindings from stays imported by name.
 */
async function dropBareChunkImports(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await dropBareChunkImports(path);
    else if (entry.name.endsWith('.js')) {
      const code = await readFile(path, 'utf8');
      const kept = code.replace(BARE_CHUNK_IMPORT, '');
      if (kept !== code) await writeFile(path, kept);
    }
  }
}

/**
 * What every package builds: ESM + CJS + .d.ts for Node 20, with workspace packages and
 * Node built-ins left as imports (so each package resolves the others' export
 * conditions, e.g. core's Edge build, at the user's end).
 */
export const packageBuild = ({ external = [], ...options }: Options): Options => ({
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  onSuccess: () => dropBareChunkImports(options.outDir ?? 'dist'),
  ...options,
  external: [/^@vobiz-webhooks\//, /^node:/, ...external],
});
