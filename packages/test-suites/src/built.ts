import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The repository's packages folder. Read when a build is checked, not when this module
 * loads: the suites are also imported by child processes that tsx runs as ES modules,
 * where `__dirname` does not exist (and which never build).
 */
const packagesDir = (): string => join(__dirname, '..', '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** What every package's build reads besides its own sources: a change there makes every dist stale. */
const buildInputs = (): string[] => [
  join(packagesDir(), '..', 'tsup.shared.ts'),
  join(packagesDir(), '..', 'scripts', 'finish-build.mjs'),
];

const fresh = (pkg: string, file: string): boolean => {
  const built = join(packagesDir(), pkg, 'dist', file);
  if (!existsSync(built)) return false;
  const inputs = [
    newestSource(join(packagesDir(), pkg, 'src')),
    ...buildInputs().map((path) => statSync(path).mtimeMs),
  ];
  return statSync(built).mtimeMs >= Math.max(...inputs);
};

/**
 * For tests that load built packages (`dist`), as users get them: a real bin, a runtime,
 * a Worker bundle. `pnpm test` builds first; when a build is missing or older than its
 * sources (`pnpm test:unit`, or one test file alone), the stale packages are built here,
 * in one pnpm run. `builds` names each package by its folder (`core`) with the files of
 * its `dist` the test loads.
 */
export function ensureBuiltPackages(builds: Readonly<Record<string, readonly string[]>>): void {
  const stale = Object.keys(builds).filter((pkg) => !(builds[pkg] ?? []).every((file) => fresh(pkg, file)));
  if (stale.length === 0) return;
  try {
    const filters = stale.flatMap((pkg) => ['--filter', `@vobiz-webhooks/${pkg}`]);
    execFileSync('pnpm', [...filters, 'build'], { cwd: packagesDir(), stdio: 'pipe', timeout: 180_000 });
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? error);
    const which = stale.map((pkg) => `packages/${pkg}`).join(', ');
    throw new Error(`${which}: no fresh dist, and the build failed; run \`pnpm build\` first.\n${output}`);
  }
}
