// The workspace packages are not dependencies of the repository root, so the bench
// imports their built `dist` by path (what `pnpm build` produced, i.e. what users run).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

const DIST = {
  core: 'packages/core/dist/index.js',
  'core/testing': 'packages/core/dist/testing/index.js',
  express: 'packages/express/dist/index.js',
  koa: 'packages/koa/dist/index.js',
  fastify: 'packages/fastify/dist/index.js',
  hono: 'packages/hono/dist/index.js',
  next: 'packages/next/dist/index.js',
  redis: 'packages/redis/dist/index.js',
  bullmq: 'packages/bullmq/dist/index.js',
};

/** The absolute path of a package's built ESM entry, whether or not it exists yet. */
export const distPath = (name) => `${root}${DIST[name]}`;

/** Why a package cannot be benchmarked, or undefined when its build is there. */
export function missingPackage(name) {
  const path = distPath(name);
  if (existsSync(path)) return undefined;
  const dir = DIST[name].split('/').slice(0, 2).join('/');
  return existsSync(`${root}${dir}/package.json`)
    ? `${DIST[name]} is not built (run \`pnpm build\`)`
    : `${dir} does not exist yet`;
}

/** Imports a built package; throws with the reason when it is missing. */
export async function importPackage(name) {
  const missing = missingPackage(name);
  if (missing) throw new Error(`@vobiz-webhooks/${name}: ${missing}`);
  return import(pathToFileURL(distPath(name)).href);
}

/**
 * A third-party dependency of a workspace package (`bullmq` of `@vobiz-webhooks/bullmq`),
 * resolved from that package as Node resolves its own import of it: the hand-written
 * configurations then run the very copy and version the package runs.
 */
export function requireDependency(name, dependency) {
  const dir = DIST[name].split('/').slice(0, 2).join('/');
  return createRequire(`${root}${dir}/package.json`)(dependency);
}

export const repoRoot = root;
