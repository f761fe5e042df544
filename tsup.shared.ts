import type { Options } from 'tsup';

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
  ...options,
  external: [/^@vobiz-webhooks\//, /^node:/, ...external],
});
