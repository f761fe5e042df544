import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuiltBin } from './bin';

const bullmqDir = join(__dirname, '..', '..', '..', 'bullmq');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The bin's `queue` commands load the built @vobiz-webhooks/bullmq: built here when
 * missing or older than its sources, after the bin and core.
 */
export function ensureBuiltQueueBin(): void {
  ensureBuiltBin();
  const built = join(bullmqDir, 'dist', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(join(bullmqDir, 'src'))) return;
  try {
    execFileSync('pnpm', ['--filter', '@vobiz-webhooks/bullmq', 'build'], {
      cwd: bullmqDir,
      stdio: 'pipe',
      timeout: 180_000,
    });
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? error);
    throw new Error(
      `packages/bullmq/dist is missing or stale and the build failed; run \`pnpm build\` first.\n${output}`,
    );
  }
}
