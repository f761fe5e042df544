import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PACKAGES = join(__dirname, '..', '..', '..');
export const WEB_DIST = join(PACKAGES, 'web', 'dist', 'index.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = (built: string, pkg: string) =>
  existsSync(built) && statSync(built).mtimeMs >= newestSource(join(PACKAGES, pkg, 'src'));

/**
 * The runtimes load the built packages (`dist`), as users get them. `pnpm test` builds
 * first; when either build is missing or older than its sources (`pnpm test:unit`, or
 * this file alone), core and web are built once here.
 */
export function ensureBuilt(): void {
  if (fresh(WEB_DIST, 'web') && fresh(join(PACKAGES, 'core', 'dist', 'index.web.js'), 'core')) return;
  try {
    const filters = ['--filter', '@vobiz-webhooks/core', '--filter', '@vobiz-webhooks/web'];
    execFileSync('pnpm', [...filters, 'build'], { cwd: PACKAGES, stdio: 'pipe', timeout: 180_000 });
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? error);
    throw new Error(`packages/web/dist is missing or stale and the build failed; run \`pnpm build\` first.\n${output}`);
  }
}
