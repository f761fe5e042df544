import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt as ensureWebBuilt } from '../../../../web/test/support/built';

const PACKAGES = join(__dirname, '..', '..', '..', '..');
const HONO = join(PACKAGES, 'hono');
/** This package's server entry files (web's helpers start theirs from web's serve folder). */
export const HONO_SERVE_DIR = join(__dirname, '..', 'serve');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * web's `ensureBuilt()` (core's `dist`, and web's), then the same for this package: its `dist`
 * is built once here when missing or older than its sources.
 */
export function ensureHonoBuilt(): void {
  ensureWebBuilt();
  const built = join(HONO, 'dist', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(join(HONO, 'src'))) return;
  try {
    execFileSync('pnpm', ['--filter', '@vobiz-webhooks/hono', 'build'], {
      cwd: PACKAGES,
      stdio: 'pipe',
      timeout: 180_000,
    });
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? error);
    throw new Error(
      `packages/hono/dist is missing or stale and the build failed; run \`pnpm build\` first.\n${output}`,
    );
  }
}
