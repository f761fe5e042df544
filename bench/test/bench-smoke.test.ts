import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

// `pnpm bench` must keep working as the packages change: this runs its tiny version
// against the built packages (the root `pnpm test` builds first) and checks that every
// configuration either produced a row of numbers or says why it was skipped.
// Nothing here is about speed: times on a shared CI machine mean nothing.

const root = resolve(__dirname, '../..');

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
    // Latencies are each response's own time to the hundredth of a millisecond, not
    // autocannon's histogram, which holds whole milliseconds only (every value x.00).
    const latencies = [...run.stdout.matchAll(/^\| \w+ \| [^|]+ \| [\d,]+ \| (\d+\.\d\d) \| (\d+\.\d\d) \|/gm)].flatMap(
      (m) => m.slice(1, 3),
    );
    expect(latencies.length).toBeGreaterThanOrEqual(4);
    expect(latencies.some((value) => !value.endsWith('.00'))).toBe(true);
  });

  it('prints the micro-benchmark table and the targets', () => {
    expect(run.stdout).toContain('## Micro-benchmarks');
    expect(run.stdout).toMatch(/^\| pipeline \| core pipeline: [^|]+ \| [\d.,]+ \|/m);
    expect(run.stdout).toMatch(/^\| signature \| @octokit\/webhooks-methods verify [^|]+ \| [\d.,]+ \|/m);
    expect(run.stdout).toContain('## Targets (measured, not asserted)');
    expect(run.stdout).toContain('Like for like');
  });
});

// `pnpm bench:instructions` (bench/instructions.mjs) needs valgrind. Where it is installed
// (every machine this project runs CI on) it must count; where it is not, it must say so
// and how to install it, never print a table of nothing.
const hasValgrind = (() => {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('pnpm bench:instructions, tiny run', () => {
  const run = () =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        ['bench/instructions.mjs', '--only', '2,3', '--warmup', '40', '--count', '20'],
        { cwd: root, timeout: 120_000 },
        (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  const title = hasValgrind
    ? 'counts instructions per request for the docs snippet (2) and the Express adapter (3)'
    : 'without valgrind, exits 1 and says how to install it';
  it(
    title,
    async () => {
      const { code, stdout, stderr } = await run();
      if (!hasValgrind) {
        expect(code).toBe(1);
        expect(stderr).toMatch(/needs valgrind.*apt-get install -y valgrind/);
        return;
      }
      if (code !== 0) throw new Error(`bench/instructions.mjs exited with ${code}:\n${stderr.slice(-2000)}`);
      expect(stdout).toContain('| # | configuration | instructions/request | vs 2 | vs 6 |');
      expect(stdout).toMatch(/^\| 2 \| [^|]+ \| [\d,]+ \| 1\.00 \| – \|$/m);
      expect(stdout).toMatch(/^\| 3 \| [^|]+ \| [\d,]+ \| \d\.\d\d \| – \|$/m);
    },
    150_000,
  );
});
