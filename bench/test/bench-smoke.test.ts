import { execFile, execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { redisServerInstalled } from '@vobiz-webhooks/test-suites';

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
    for (const id of ['1', '2', '3', '4', '5a', '5b', '6', '7', '7m', '7p', '6w', '8', '8h', '9', '9h', '10', '10h']) {
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

  // The pairs of ours against its like on the same delivery need nothing beyond the built tree: each
  // server must be measured, which bench/run.mjs allows only after it answered a signed delivery 200
  // (or the row says "server failed"), and its notes must show the forged signature answered 401.
  it('measures the Meta (7m, 7p), Fastify (9, 9h) and Hono (10, 10h) pairs, each refusing a forged signature', () => {
    for (const id of ['7m', '7p', '9', '9h', '10', '10h']) {
      expect(run.stdout).toMatch(new RegExp(`^\\| ${id} \\| [^|]+ \\| [\\d,]+ \\| .*forged signature → 401`, 'm'));
    }
    for (const [label, pair, target] of [
      ["Meta's object received directly", '7m ÷ 7p', '1.2'],
      ['Fastify', '9 ÷ 9h', '0.95'],
      ['Hono', '10 ÷ 10h', '0.95'],
    ]) {
      const line = run.stdout.split('\n').find((text) => text.startsWith(`- ${label}`));
      expect(line).toContain(`≥ ${target} ×`);
      expect(line).toContain(`(${pair})`);
      expect(line).toMatch(/: \d\.\d\d → (met|missed) \([\d,]+ ÷ [\d,]+ req\/s; by server CPU per request, /);
    }
  });

  // Queue mode needs a redis-server binary (each queue server and worker run starts its own):
  // where there is one, every queue configuration must be measured; where not, say why.
  it('measures the queue configurations (8, 8h) and the workers (w, wh), or says why not', () => {
    expect(run.stdout).toContain('## Queue workers');
    expect(run.stdout).toContain('| # | worker | jobs/s | × bare | worker CPU µs/job | Redis CPU µs/job |');
    if (!redisServerInstalled()) {
      for (const id of ['8', '8h', 'w', 'wh'])
        expect(run.stdout).toMatch(new RegExp(`^\\| ${id} \\| [^|]+ \\| skipped \\|.*redis-server`, 'm'));
      return;
    }
    for (const id of ['8', '8h']) {
      // Acknowledgements per second, and the redis-server's own CPU per request in the notes.
      expect(run.stdout).toMatch(new RegExp(`^\\| ${id} \\| [^|]+ \\| [\\d,]+ \\| .*Redis CPU [\\d.]+ µs/req`, 'm'));
    }
    for (const id of ['w', 'wh']) {
      // jobs/s, × bare, worker CPU, Redis CPU, then enqueue → handler p50 and p99 in milliseconds.
      expect(run.stdout).toMatch(
        new RegExp(
          `^\\| ${id} \\| [^|]+ \\| [\\d,]+ \\| [\\d.]+ \\| [\\d.,]+ \\| [\\d.,]+ \\| [\\d.]+ \\| [\\d.]+ \\|`,
          'm',
        ),
      );
    }
    expect(run.stdout).toMatch(
      /^- Queue mode, config 8 ≥ 0\.90 × config 8h \(acknowledgements\/s\): \d\.\d\d → (met|missed)/m,
    );
    expect(run.stdout).toMatch(/^- Queue mode against inline with Redis dedupe .*config 8 ÷ config 4 /m);
    expect(run.stdout).toMatch(
      /^- Worker, `createWorker` ≥ 0\.90 × a bare BullMQ `Worker` .*: \d\.\d\d → (met|missed)/m,
    );
    expect(run.stdout).toMatch(/^- Enqueue → handler at \d+ jobs\/s .*`createWorker` p50 [\d.]+ ms \/ p99 [\d.]+ ms/m);
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
