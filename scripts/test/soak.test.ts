import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The short soak (5,000 deliveries: 10% duplicates, 1% forged, 1% failing once) against
// the BUILT Express package in its own process. `pnpm test` builds first; a bare
// `npx jest` after a clean checkout needs `pnpm build`.
const root = join(__dirname, '../..');
const built = ['packages/core/dist/index.js', 'packages/core/dist/testing/index.js', 'packages/express/dist/index.js'];

interface SoakResult {
  deliveries: number;
  uniqueEvents: number;
  accepted: number;
  rejected: number;
  handledOnce: number;
  handledTwice: number;
  lost: number;
  forgedHandled: number;
  injectedFailures: number;
  unexpected: Record<string, number>;
}

function runSoak(deliveries: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/soak.mjs', '--json'], {
      cwd: root,
      env: { ...process.env, SOAK_DELIVERIES: String(deliveries), SOAK_CONCURRENCY: '32' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('short soak: every event handled exactly once, nothing lost, nothing forged handled', async () => {
  const missing = built.filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) {
    throw new Error(
      `The soak runs the built packages and ${missing.join(', ')} is missing: run \`pnpm build\` (\`pnpm test\` does it first).`,
    );
  }
  const { code, stdout, stderr } = await runSoak(5_000);
  const line = stdout.split('\n').find((l) => l.startsWith('SOAK_RESULT '));
  if (code !== 0 || line === undefined) throw new Error(`soak exited with ${code}\n${stdout}\n${stderr}`);
  const result = JSON.parse(line.slice('SOAK_RESULT '.length)) as SoakResult;

  expect(result.deliveries).toBe(5_000);
  expect(result.lost).toBe(0);
  expect(result.handledTwice).toBe(0);
  expect(result.forgedHandled).toBe(0);
  expect(result.unexpected).toEqual({});
  expect(result.handledOnce).toBe(result.uniqueEvents);
  // Every forged delivery got its 401; every other delivery (duplicates included) ended in a 200.
  expect(result.accepted + result.rejected).toBe(5_000);
  expect(result.injectedFailures).toBeGreaterThan(0);
}, 180_000);
