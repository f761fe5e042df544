import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

// `pnpm bench` must keep working as the packages change: this runs its tiny version
// against the built packages (the root `pnpm test` builds first) and checks that every
// configuration either produced a row of numbers or says why it was skipped.
// Nothing here is about speed: times on a shared CI machine mean nothing.

const root = resolve(__dirname, '../../..');

function runSmoke(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['bench/run.mjs', '--smoke'],
      { cwd: root, timeout: 240_000, maxBuffer: 10 * 1024 * 1024, env: { ...process.env, BENCH_ONLY: '' } },
      (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('pnpm bench --smoke', () => {
  let run: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    run = await runSmoke();
  }, 300_000);

  it('exits 0', () => {
    if (run.code !== 0) throw new Error(`bench/run.mjs --smoke exited with ${run.code}:\n${run.stderr.slice(-2000)}`);
    expect(run.code).toBe(0);
  });

  it('prints the throughput table with a row for every configuration', () => {
    expect(run.stdout).toContain('| # | configuration | req/s | p50 ms | p99 ms | × config 2 | server CPU µs/req |');
    for (const id of ['1', '2', '3', '4', '5a', '5b', '6', '7', '6w']) {
      // Each row is either measured (a req/s figure) or skipped with a reason: never missing.
      expect(run.stdout).toMatch(new RegExp(`^\\| ${id} \\| [^|]+ \\| ([\\d,]+|skipped) \\|`, 'm'));
    }
    // The baseline and the library itself must always be measurable from a built tree.
    expect(run.stdout).toMatch(/^\| 2 \| [^|]+ \| [\d,]+ \|/m);
    expect(run.stdout).toMatch(/^\| 3 \| [^|]+ \| [\d,]+ \|/m);
  });

  it('prints the micro-benchmark table and the targets', () => {
    expect(run.stdout).toContain('## Micro-benchmarks');
    expect(run.stdout).toMatch(/^\| pipeline \| core pipeline: [^|]+ \| [\d.,]+ \|/m);
    expect(run.stdout).toMatch(/^\| signature \| @octokit\/webhooks-methods verify [^|]+ \| [\d.,]+ \|/m);
    expect(run.stdout).toContain('## Targets (measured, not asserted)');
    expect(run.stdout).toContain('Like for like');
  });
});
