// Run after tsup in each package (its `build` script): two fixes to what tsup emits into
// dist/, so that what a package declares is what it does. Usage: node ../../scripts/finish-build.mjs
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FIXES = [
  {
    // `import "./chunk-….js";`, with no binding: esbuild's code splitting adds one to an entry
    // for each chunk it reaches only through other chunks, to keep their evaluation order.
    // Every module of these packages is free of side effects (`"sideEffects": false`), so it
    // orders nothing, and bundlers that honour `sideEffects` warn that they ignore it
    // (wrangler and Vite do, for every Worker built on core). A chunk an entry takes bindings
    // from stays imported by name.
    files: /\.js$/,
    pattern: /^import "(?:\.\.?\/)+chunk-[\w-]+\.js";\r?\n/gm,
    replacement: '',
  },
  {
    // An adapter's `export type * from '@vobiz-webhooks/core'` comes out of the declaration
    // bundler as `export * from …`, which declares core's functions as the adapter's own:
    // `import { signPayload } from '@vobiz-webhooks/express'` would compile, then fail at run
    // time. Type-only again, as the source says (every star re-export of a workspace
    // package in these sources is one).
    files: /\.d\.c?ts$/,
    pattern: /^export \* from (['"]@vobiz-webhooks\/[\w/-]+['"]);$/gm,
    replacement: 'export type * from $1;',
  },
];

/** A star re-export of a workspace package that would be read as one of values. */
const VALUE_STAR_EXPORT = /^\s*export\s*\*\s*from\s*['"]@vobiz-webhooks\//m;

/** Every file under `dir`, at any depth. */
async function* filesUnder(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

// The sources first: a star re-export of values there would be hidden by the rewrite below.
for await (const path of filesUnder(join(process.cwd(), 'src'))) {
  if (/\.ts$/.test(path) && VALUE_STAR_EXPORT.test(await readFile(path, 'utf8'))) {
    throw new Error(
      `${path}: \`export * from\` a workspace package re-exports its values, which the declarations would ` +
        'then hide (scripts/finish-build.mjs makes them type-only). Name the values, or write `export type *`.',
    );
  }
}

for await (const path of filesUnder(join(process.cwd(), 'dist'))) {
  const fixes = FIXES.filter(({ files }) => files.test(path));
  if (fixes.length === 0) continue;
  const code = await readFile(path, 'utf8');
  const fixed = fixes.reduce((text, { pattern, replacement }) => text.replace(pattern, replacement), code);
  // Output of another shape than the patterns expect must stop the build, not ship.
  if (/\.d\.c?ts$/.test(path) && VALUE_STAR_EXPORT.test(fixed)) {
    throw new Error(`${path}: a star re-export of a workspace package is left; update scripts/finish-build.mjs.`);
  }
  if (fixed !== code) await writeFile(path, fixed);
}
