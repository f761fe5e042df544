// `pnpm bench`: the library against the receivers a user would write or pick instead.
// Every configuration runs in its own server process; load comes from another process
// (bench/load.mjs, autocannon over keep-alive loopback connections). Configurations run
// alternately over several rounds and the medians are reported, then the in-process
// micro-benchmarks (bench/micro.mjs). The full run writes bench/RESULTS.md.
//
//   node bench/run.mjs            full run (BENCH_DURATION s per run, BENCH_ROUNDS rounds)
//   node bench/run.mjs --smoke    a tiny run that only proves the harness works; writes nothing
//   --out <file>                  where to write the results (default bench/RESULTS.md; none with --smoke)
//   BENCH_ONLY=1,2,3              run only these configurations (development); w and wh are the worker runs
//   BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_POOL, BENCH_MICRO=0 (skip the micro-benchmarks)
//   BENCH_WORKER_JOBS, BENCH_WORKER_CONCURRENCY, BENCH_WORKER_RATE, BENCH_WORKER_SECONDS (bench/worker.mjs)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CONFIGS, WORKER_CONFIGS, redisReachable, whyUnavailable } from './lib/configs.mjs';
import { startServer } from './lib/servers.mjs';
import { PATHS, requestFactory } from './lib/payloads.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args[outIndex + 1] : smoke ? undefined : `${here}RESULTS.md`;
const env = (name, fallback) =>
  process.env[name] === undefined || process.env[name] === '' ? fallback : Number(process.env[name]);

const settings = {
  duration: smoke ? 1 : env('BENCH_DURATION', 10),
  rounds: smoke ? 1 : env('BENCH_ROUNDS', 3),
  warmup: smoke ? 0 : env('BENCH_WARMUP', 2),
  connections: env('BENCH_CONNECTIONS', smoke ? 4 : 10),
};
// Enough distinct pre-signed deliveries that no event_id repeats within one load run.
settings.pool = env('BENCH_POOL', smoke ? 20_000 : Math.ceil(25_000 * (settings.duration + settings.warmup)));

// The worker runs (bench/worker.mjs): pre-filled jobs drained, then enqueue-to-handler latency at a steady rate.
const workerSettings = {
  jobs: smoke ? 300 : env('BENCH_WORKER_JOBS', 10_000),
  // Drained by a first worker of the same kind before the measured one starts, not counted.
  warmupJobs: smoke ? 100 : 2_000,
  concurrency: env('BENCH_WORKER_CONCURRENCY', 10),
  rate: smoke ? 200 : env('BENCH_WORKER_RATE', 500),
  seconds: smoke ? 1 : env('BENCH_WORKER_SECONDS', 5),
  warmup: smoke ? 0 : 1,
};

// BENCH_PIN=1: each server on core 0 and the load generator on core 1 (taskset), so that neither
// runs on the other's core; by default the kernel places both.
const pin = process.env.BENCH_PIN === '1';
const pinnedTo = (core) => (pin ? ['taskset', '-c', String(core)] : []);

const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((id) => id.trim())) : undefined;

function stopServer(server) {
  return new Promise((resolve) => {
    // A process killed by a signal has no exit code, only a signal code.
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve();
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
    server.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.child.kill('SIGTERM');
  });
}

/** One valid delivery must get 200 and a forged one must be refused, or the numbers mean nothing. */
async function probe(config, port) {
  const factory = await requestFactory(config.kind);
  const url = `http://127.0.0.1:${port}${PATHS[config.kind]}`;
  const good = factory.next();
  const ok = await fetch(url, { method: 'POST', headers: good.headers, body: good.body });
  await ok.arrayBuffer();
  if (ok.status !== 200) throw new Error(`a valid signed delivery got ${ok.status}, not 200`);
  const forged = factory.next();
  const headers = { ...forged.headers };
  for (const name of ['x-webhook-signature', 'x-hub-signature-256']) {
    if (headers[name]) headers[name] = headers[name].replace(/[0-9a-f]{8}$/, '00000000');
  }
  const refused = await fetch(url, { method: 'POST', headers, body: forged.body });
  await refused.arrayBuffer();
  const rejects = refused.status >= 400 && refused.status < 500;
  if (config.verifies !== false && !rejects)
    throw new Error(`a forged signature got ${refused.status}: it does not verify`);
  return { rejectsForged: rejects ? refused.status : 'no' };
}

/** Asks a server to get ready for a run (a queue server empties its Redis) and waits until it is. */
function prepareServer(server) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server was not ready for a run within 30 s')), 30_000);
    server.child.once('message', (message) => {
      clearTimeout(timer);
      if (message?.prepared) resolve();
      else reject(new Error(`preparing the server failed: ${message?.error ?? 'no answer'}`));
    });
    server.child.send('prepare');
  });
}

/** The server's request count and CPU usage so far (see servers/common.mjs). */
function serverStats(server) {
  return new Promise((resolve, reject) => {
    if (server.child.exitCode !== null || !server.child.connected) {
      reject(new Error(`the server exited (${server.stderr().trim().split('\n').pop() || 'no output'})`));
      return;
    }
    const timer = setTimeout(() => reject(new Error('the server did not answer a stats request within 10 s')), 10_000);
    server.child.once('message', (stats) => {
      clearTimeout(timer);
      resolve(stats);
    });
    server.child.send('stats');
  });
}

function runLoad(config, port) {
  return new Promise((resolve, reject) => {
    const spec = { url: `http://127.0.0.1:${port}`, kind: config.kind, ...settings };
    const [command, ...rest] = [...pinnedTo(1), process.execPath, `${here}load.mjs`, JSON.stringify(spec)];
    const child = spawn(command, rest, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop();
      if (code !== 0 || !line)
        return reject(new Error(`load generator exited with ${code}: ${stderr.trim().slice(-300)}`));
      resolve(JSON.parse(line));
    });
  });
}

/** One bench/worker.mjs run (`drain` or `latency`) of a worker configuration, in its own process. */
function runWorker(config, mode) {
  return new Promise((resolve, reject) => {
    const spec = { mode, worker: config.worker, ...workerSettings };
    const child = spawn(process.execPath, [`${here}worker.mjs`, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop();
      if (code !== 0 || !line)
        return reject(new Error(`bench/worker.mjs exited with ${code ?? signal}: ${stderr.trim().slice(-300)}`));
      resolve(JSON.parse(line));
    });
  });
}

function runMicro() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${here}micro.mjs`, ...(smoke ? ['--smoke'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim().split('\n').pop()))
        : reject(new Error(`micro.mjs exited with ${code}`)),
    );
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const int = (value) => value.toLocaleString('en-US');
const fmt = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';

// The fixed part of bench/RESULTS.md: how to run the benchmark and how it measures.
// Rewritten by every full run, like the tables; keep it in step with the knobs above.
const ABOUT = [
  'How fast vobiz-webhooks receives a signed delivery, against the receivers you would otherwise write or pick:',
  "the hand-written handler of the Vobiz docs, @octokit/webhooks and whatsapp-api-js (also on Meta's own webhook",
  'object, against `metaWebhook`); the Fastify and Hono adapters against the same route written by hand on each; in',
  'queue mode, against the same route written by hand on BullMQ, and its worker against a bare BullMQ `Worker`. Each',
  '`pnpm bench` rewrites this page down to the micro-benchmark table; the sections after it are kept.',
  '',
  '## Running it',
  '',
  '```sh',
  'pnpm install                 # once',
  'pnpm bench                   # builds the packages, runs every configuration, rewrites bench/RESULTS.md',
  'node bench/run.mjs --smoke   # after `pnpm build`: a tiny run that proves the harness works; writes nothing',
  'pnpm bench:instructions      # instructions per request under valgrind; prints a table, writes nothing',
  '```',
  '',
  '- **Needs** Node 20+ and the installed workspace. The servers import the built packages (`dist`, what users',
  '  install), which is why `pnpm bench` builds first. Configuration 4 needs a Redis server at 127.0.0.1:6379',
  '  (database `BENCH_REDIS_DB`, keys under a prefix of its own); without one its row says *skipped* and why, and',
  '  everything else runs. The queue configurations (8, 8h) and the worker runs (w, wh) start a `redis-server` of',
  '  their own (`apt-get install -y redis-server`; without it they are *skipped*). `pnpm bench:instructions` needs',
  '  valgrind (`apt-get install -y valgrind`).',
  '- **Takes** about 16 minutes on a 2-core machine, after the build: each configuration takes about 15 s per',
  '  round (2 s to pre-sign its pool of deliveries, 2 s warm-up, 10 s measured), 17 configurations × 3 rounds,',
  '  then about 25 s per round for the two workers (filling and draining the queue, 6 s of steady load each),',
  '  then about 20 s of micro-benchmarks; the smoke run, about a minute in all. Anything else running on the',
  '  machine lowers req/s; the load average before and after is printed under "This run".',
  '',
  'Knobs, all optional environment variables (the smoke run sets its own durations and rounds):',
  '',
  '| variable | default | effect |',
  '|---|---|---|',
  '| `BENCH_DURATION` | `10` | seconds measured per run |',
  '| `BENCH_ROUNDS` | `3` | rounds; configurations alternate, the order rotated each round, and the tables give the medians |',
  '| `BENCH_WARMUP` | `2` | seconds of warm-up before each measured run, not counted in req/s or latency |',
  '| `BENCH_CONNECTIONS` | `10` | keep-alive connections from the load generator |',
  '| `BENCH_POOL` | 25,000 × (duration + warm-up) | distinct pre-signed deliveries per run; a run that sends more repeats event ids, and its row says so |',
  '| `BENCH_ONLY` | every configuration | comma-separated ids, e.g. `BENCH_ONLY=2,3,6`, `4,8,8h,w,wh` for queue ' +
    'mode, or `7m,7p,9,9h,9j,10,10h,10j` for the pairs; the others are listed as skipped |',
  '| `BENCH_PIN` | off | `1` runs each server on core 0 and the load generator on core 1 (`taskset`, Linux) |',
  '| `BENCH_MICRO` | on | `0` skips the micro-benchmarks |',
  '| `BENCH_MICRO_N`, `BENCH_MICRO_RUNS` | `4000`, `15` | operations per pass and passes per micro-benchmark case |',
  '| `BENCH_MICRO_ONLY` | every case | only the micro-benchmark cases whose group or name contains this text, e.g. `"core pipeline"` for `node --cpu-prof bench/micro.mjs` |',
  '| `BENCH_REDIS_DB` | `9` | the Redis database configuration 4 uses |',
  '| `BENCH_WORKER_JOBS` | `10000` | jobs pre-filled for each worker to drain |',
  "| `BENCH_WORKER_CONCURRENCY` | `10` | jobs each worker runs at once (`createWorker`'s default) |",
  '| `BENCH_WORKER_RATE`, `BENCH_WORKER_SECONDS` | `500`, `5` | the latency run: jobs/s, seconds measured after 1 s |',
  '',
  '`node bench/run.mjs --out <file>` writes the results to another file (the smoke run writes only with `--out`).',
  '`pnpm bench:instructions` takes `--warmup <n>` (default 5000 deliveries, not counted), `--count <n>` (3000, counted)',
  'and `--only 3,6`.',
  '',
  '## Method',
  '',
  'Each configuration is one server process (bench/servers/) doing the same user work: count the messages of the',
  'batch and answer 200. Before it is measured, it must answer a valid signed delivery with 200 and refuse a forged',
  'signature (the "forged signature →" note; configuration 1, the ceiling, verifies nothing). The load comes from',
  'another process (bench/load.mjs, autocannon over keep-alive loopback connections), which pre-signs a pool of',
  'distinct deliveries first, so signing is not measured and every `event_id` is new to the server. The delivery is',
  'a 1.7 KB `message.inbound` carrying the whole Meta object (a batch of five messages, with accents and emoji); the',
  'peers get a body of the same size with the same customer text (configurations 6 and 6w a GitHub `issues` event,',
  '7 the Meta object as Meta sends it, with `\\uXXXX` escapes). Configurations run alternately, the order rotated',
  'every round, and the tables give medians over the rounds; latencies are each 2xx response\'s own time. "Server CPU',
  'µs/req" is the server process\'s own CPU time per request served, read over IPC before and after each run: on a',
  'shared machine it moves much less than req/s. The micro-benchmarks (bench/micro.mjs) then time the core pipeline',
  'and signature verification in one process, against `createHmac` + `JSON.parse` on the same bytes (the floor). How',
  'these numbers developed, with profiles and what they changed: [docs/performance-history.md](../docs/performance-history.md).',
  '',
  "Pairs on one delivery. 7m and 7p receive Meta's own webhook object with one text message (the customer's",
  'accents and emoji as `\\uXXXX`, as Meta sends it, 0.5 KB), signed with `X-Hub-Signature-256` under the app',
  "secret, each with its own message id (ours dedupes on it): 7m is `@vobiz-webhooks/express`'s `metaWebhook` with",
  "defaults, 7p whatsapp-api-js's Express middleware, which hands a body's first message only to its handler, hence",
  'one message. 9 and 9h receive the Vobiz delivery above on Fastify 5 (logger off, its default): our plugin',
  'registered with defaults, and a route written by hand (a `parseAs: buffer` content-type parser, then',
  '`createHmac`, `timingSafeEqual`, `JSON.parse`, 200). 10 and 10h, the same on Hono and `@hono/node-server`:',
  'our `vobizWebhook` on `app.post`, and a route that reads `c.req.arrayBuffer()` and does the same check.',
  '9h and 10h answer an empty 200; 9j and 10j are the same routes answering the library\'s 200 (`{"ok":true}` with its',
  '`Content-Type` and `Cache-Control`), so that 9 ÷ 9j and 10 ÷ 10j compare the receive work alone.',
  '',
  'Queue mode. Configuration 8 is `vobizWebhook({ secret, queue: bullmqQueue(...) })`, defaults otherwise: it',
  'verifies, validates, dedupes in memory and answers 200 once BullMQ stored the job. 8h does the same job by hand',
  "(the docs' handler, then `queue.add(event_type, { event, key }, { jobId: event_id })` with the same retry and",
  'retention options).',
  'Each has a redis-server of its own without persistence, emptied before every run, and no worker runs during the',
  'load, so req/s counts acknowledgements; "Redis CPU" is that redis-server\'s CPU time per request. The worker runs',
  '(bench/worker.mjs) fill a queue of their own through `bullmqQueue().enqueue` with the same 1.7 KB event, then time',
  '`createWorker` with a no-op handler and a bare BullMQ `Worker` with a no-op processor, at the same concurrency,',
  'draining all of it, after a worker of the same kind drained 2,000 jobs of another queue so the code is compiled',
  "(jobs/s, the worker's and Redis's CPU per job); then each runs while another process enqueues at",
  "a fixed rate below capacity, and the latency is the handler's start minus the job's timestamp. BullMQ stamps a job",
  'in whole milliseconds, so each latency can read up to 1 ms high, alike for both.',
];

async function main() {
  const started = new Date();
  const loadBefore = loadavg();
  const log = (line) => process.stderr.write(`${line}\n`);
  log(
    `bench: ${settings.rounds} round(s) × ${settings.duration} s per configuration, ${settings.connections} connections${smoke ? ' (smoke)' : ''}`,
  );

  // Decide what can run; anything that cannot is reported with its reason, never dropped.
  const skipped = new Map();
  const redisUp = await redisReachable();
  for (const config of CONFIGS) {
    if (only && !only.has(config.id)) {
      skipped.set(config.id, 'not selected (BENCH_ONLY)');
      continue;
    }
    const why = whyUnavailable(config, redisUp);
    if (why) skipped.set(config.id, why);
  }

  const servers = new Map();
  const notes = new Map();
  for (const config of CONFIGS) {
    if (skipped.has(config.id)) continue;
    try {
      const server = await startServer(config, { wrapper: pinnedTo(0) });
      servers.set(config.id, server);
      const { rejectsForged } = await probe(config, server.port);
      // Servers say what they chose with `note: …` lines; the library's own warnings are not notes.
      const serverNotes = server
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('note: '))
        .map((line) => line.slice(6));
      notes.set(config.id, [`forged signature → ${rejectsForged}`, ...serverNotes]);
    } catch (error) {
      skipped.set(config.id, `server failed: ${error.message}`);
      const server = servers.get(config.id);
      servers.delete(config.id);
      if (server) await stopServer(server);
    }
  }

  const runs = new Map([...servers.keys()].map((id) => [id, []]));
  const order = [...servers.keys()];
  try {
    for (let round = 0; round < settings.rounds; round++) {
      // Rotate the order every round, so no configuration always runs first or last.
      const rotated = order.map((_, i) => order[(i + round) % order.length]);
      for (const id of rotated) {
        if (skipped.has(id)) continue;
        const server = servers.get(id);
        try {
          const config = CONFIGS.find((candidate) => candidate.id === id);
          if (config.ownRedis) await prepareServer(server);
          const before = await serverStats(server);
          const result = await runLoad(config, server.port);
          const after = await serverStats(server);
          const cpu = after.cpu.user + after.cpu.system - (before.cpu.user + before.cpu.system);
          const served = Math.max(1, after.requests - before.requests);
          result.cpuPerRequest = cpu / served;
          if (after.redisCpuSeconds !== undefined)
            result.redisCpuPerRequest = ((after.redisCpuSeconds - before.redisCpuSeconds) * 1e6) / served;
          runs.get(id).push(result);
          log(
            `  round ${round + 1} config ${id}: ${fmt(result.rps)} req/s, p50 ${fmt(result.p50, 2)} ms, p99 ${fmt(result.p99, 2)} ms, ` +
              `server CPU ${fmt(result.cpuPerRequest, 1)} µs/req` +
              (result.redisCpuPerRequest === undefined
                ? ''
                : `, Redis CPU ${fmt(result.redisCpuPerRequest, 1)} µs/req`) +
              `, non-2xx ${result.non2xx}`,
          );
        } catch (error) {
          // One broken configuration must not take the others' results with it.
          skipped.set(id, `failed in round ${round + 1}: ${error.message}`);
          runs.delete(id);
          log(`  round ${round + 1} config ${id}: FAILED, ${error.message}`);
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map(stopServer));
  }

  // The worker runs come after every server has stopped: a worker and its Redis need both cores.
  const workerSkipped = new Map();
  const workerRuns = new Map();
  for (const config of WORKER_CONFIGS) {
    if (only && !only.has(config.id)) workerSkipped.set(config.id, 'not selected (BENCH_ONLY)');
    else if (whyUnavailable(config, redisUp)) workerSkipped.set(config.id, whyUnavailable(config, redisUp));
    else workerRuns.set(config.id, []);
  }
  const workerOrder = [...workerRuns.keys()];
  for (let round = 0; round < settings.rounds; round++) {
    for (const id of workerOrder.map((_, i) => workerOrder[(i + round) % workerOrder.length])) {
      if (workerSkipped.has(id)) continue;
      const config = WORKER_CONFIGS.find((candidate) => candidate.id === id);
      try {
        const drain = await runWorker(config, 'drain');
        const latency = await runWorker(config, 'latency');
        workerRuns.get(id).push({ ...drain, p50: latency.p50, p99: latency.p99, samples: latency.samples });
        log(
          `  round ${round + 1} worker ${id}: ${fmt(drain.jobsPerSec)} jobs/s, ` +
            `worker CPU ${fmt(drain.cpuPerJob, 1)} µs/job, ` +
            `Redis CPU ${fmt(drain.redisCpuPerJob, 1)} µs/job; at ${workerSettings.rate} jobs/s enqueue → handler ` +
            `p50 ${fmt(latency.p50, 2)} ms, p99 ${fmt(latency.p99, 2)} ms (${latency.samples} jobs)`,
        );
      } catch (error) {
        workerSkipped.set(id, `failed in round ${round + 1}: ${error.message}`);
        workerRuns.delete(id);
        log(`  round ${round + 1} worker ${id}: FAILED, ${error.message}`);
      }
    }
  }

  const micro = process.env.BENCH_MICRO === '0' ? undefined : await runMicro();

  const rows = CONFIGS.map((config) => {
    const list = runs.get(config.id) ?? [];
    return {
      config,
      skipped: skipped.get(config.id),
      rps: median(list.map((r) => r.rps)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      cpu: median(list.map((r) => r.cpuPerRequest)),
      redisCpu: median(list.map((r) => r.redisCpuPerRequest).filter((value) => value !== undefined)),
      bodyBytes: list[0]?.bodyBytes,
      failures: list.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
      wrapped: list.some((r) => r.poolWrapped),
      notes: notes.get(config.id) ?? [],
    };
  });
  const byId = (id) => rows.find((row) => row.config.id === id);
  const baseline = byId('2')?.rps;
  const baselineCpu = byId('2')?.cpu;

  const table = [
    '| # | configuration | req/s | p50 ms | p99 ms | × config 2 | server CPU µs/req | CPU × config 2 | body B | notes |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((row) =>
      row.skipped
        ? `| ${row.config.id} | ${row.config.name} | skipped | | | | | | | ${row.skipped} |`
        : `| ${row.config.id} | ${row.config.name} | ${fmt(row.rps)} | ${fmt(row.p50, 2)} | ${fmt(row.p99, 2)} | ${fmt(row.rps / baseline, 2)} | ${fmt(row.cpu, 1)} | ${fmt(row.cpu / baselineCpu, 2)} | ${row.bodyBytes} | ${[
            ...row.notes,
            ...(Number.isFinite(row.redisCpu) ? [`Redis CPU ${fmt(row.redisCpu, 1)} µs/req`] : []),
            ...(row.failures ? [`${row.failures} non-2xx/errors`] : []),
            ...(row.wrapped ? ['pool wrapped: some event_ids repeated'] : []),
          ].join('; ')} |`,
    ),
  ].join('\n');

  const workerRows = WORKER_CONFIGS.map((config) => {
    const list = workerRuns.get(config.id) ?? [];
    return {
      config,
      skipped: workerSkipped.get(config.id),
      jobsPerSec: median(list.map((r) => r.jobsPerSec)),
      cpu: median(list.map((r) => r.cpuPerJob)),
      redisCpu: median(list.map((r) => r.redisCpuPerJob)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      samples: list[0]?.samples,
    };
  });
  const workerById = (id) => workerRows.find((row) => row.config.id === id);
  const workerTable = [
    '| # | worker | jobs/s | × bare | worker CPU µs/job | Redis CPU µs/job | enqueue → handler p50 ms | p99 ms ' +
      '| notes |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...workerRows.map((row) =>
      row.skipped
        ? `| ${row.config.id} | ${row.config.name} | skipped | | | | | | ${row.skipped} |`
        : `| ${row.config.id} | ${row.config.name} | ${fmt(row.jobsPerSec)} | ` +
          `${fmt(row.jobsPerSec / workerById('wh')?.jobsPerSec, 2)} | ` +
          `${fmt(row.cpu, 1)} | ${fmt(row.redisCpu, 1)} | ${fmt(row.p50, 2)} | ${fmt(row.p99, 2)} | ` +
          `latency over ${fmt(row.samples)} jobs per round |`,
    ),
  ].join('\n');

  const microTable = micro
    ? [
        `| group | case | µs/op | × floor |`,
        '|---|---|---:|---:|',
        ...micro.cases.map((c) => {
          const floor = micro.cases.find((f) => f.group === c.group && f.name.startsWith('floor'));
          return `| ${c.group} | ${c.name} | ${fmt(c.nsPerOp / 1000, 2)} | ${fmt(c.nsPerOp / floor.nsPerOp, 2)} |`;
        }),
      ].join('\n')
    : '(skipped: BENCH_MICRO=0)';

  const ratio = (a, b) => (byId(a)?.rps ?? NaN) / (byId(b)?.rps ?? NaN);
  const cpuRatio = (a, b) => (byId(a)?.cpu ?? NaN) / (byId(b)?.cpu ?? NaN);
  const verdict = (value, ok) =>
    Number.isFinite(value)
      ? `${fmt(value, 2)} → ${ok ? 'met' : 'missed'}`
      : 'not measured (a configuration was skipped)';
  const peers = Math.max(byId('6')?.rps ?? NaN, byId('7')?.rps ?? NaN);
  const slowestOurs = Math.min(...['3', '5a', '5b'].map((id) => byId(id)?.rps).filter(Number.isFinite));
  const pairs = ['3', '5a', '5b']
    .flatMap((ours) => ['6', '7'].map((peer) => [ours, peer]))
    .filter(([ours, peer]) => Number.isFinite(ratio(ours, peer)))
    .map(([ours, peer]) => `${ours}/${peer} ${fmt(ratio(ours, peer), 2)} (CPU ${fmt(cpuRatio(peer, ours), 2)})`)
    .join(', ');
  const workerRatio = (workerById('w')?.jobsPerSec ?? NaN) / (workerById('wh')?.jobsPerSec ?? NaN);
  const latencies = (id, label) =>
    `${label} p50 ${fmt(workerById(id)?.p50, 2)} ms / p99 ${fmt(workerById(id)?.p99, 2)} ms`;
  const pipeline = micro?.cases.find((c) => c.name.startsWith('core pipeline'));
  const pipelineFloor = micro?.cases.find((c) => c.group === 'pipeline' && c.name.startsWith('floor'));
  const targets = [
    `- Config 3 ≥ 0.90 × config 2: ${verdict(ratio('3', '2'), ratio('3', '2') >= 0.9)} (by server CPU per request, config 2 ÷ config 3: ${fmt(cpuRatio('2', '3'), 2)})`,
    `- Configs 3 and 5 ≥ configs 6 and 7 (slowest of ours ÷ fastest peer): ${verdict(slowestOurs / peers, slowestOurs >= peers)}${byId('5a')?.skipped || byId('5b')?.skipped ? ' (config 5 partly skipped: see the table)' : ''}; each pair, req/s ratio (and server CPU per request, peer ÷ ours): ${pairs || 'none measured'}`,
    ...[
      ['7m', '7p', 1.2, "Meta's object received directly, `metaWebhook` on Express ≥ 1.2 × whatsapp-api-js (7m ÷ 7p)"],
      ['9', '9h', 0.95, 'Fastify, the plugin ≥ 0.95 × the hand-written Fastify route (9 ÷ 9h)'],
      ['10', '10h', 0.95, 'Hono, `vobizWebhook` ≥ 0.95 × the hand-written Hono route (10 ÷ 10h)'],
    ].map(
      ([ours, peer, target, label]) =>
        `- ${label}: ${verdict(ratio(ours, peer), ratio(ours, peer) >= target)} ` +
        `(${fmt(byId(ours)?.rps)} ÷ ${fmt(byId(peer)?.rps)} req/s; by server CPU per request, ` +
        `${peer} ÷ ${ours}: ${fmt(cpuRatio(peer, ours), 2)})`,
    ),
    `- Like for like (not one of the targets): the Next route handler against Octokit's Fetch API handler through the same bridge, 5b/6w ${fmt(ratio('5b', '6w'), 2)} (CPU ${fmt(cpuRatio('6w', '5b'), 2)})`,
    ...[
      ['9', '9j', 'Fastify'],
      ['10', '10j', 'Hono'],
    ].map(
      ([ours, hand, framework]) =>
        `- Like for like (not one of the targets): ${framework}, ours against the hand-written route giving the same answer, ` +
        `${ours}/${hand} ${fmt(ratio(ours, hand), 2)} (CPU ${fmt(cpuRatio(hand, ours), 2)}); the answer's own cost, ` +
        `${hand}/${hand.replace('j', 'h')} ${fmt(ratio(hand, hand.replace('j', 'h')), 2)} (CPU ${fmt(cpuRatio(hand.replace('j', 'h'), hand), 2)})`,
    ),
    `- Core pipeline ≤ 1.7 × the createHmac + JSON.parse floor: ${pipeline ? verdict(pipeline.nsPerOp / pipelineFloor.nsPerOp, pipeline.nsPerOp / pipelineFloor.nsPerOp <= 1.7) : 'not measured'}`,
    '- Queue mode, config 8 ≥ 0.90 × config 8h (acknowledgements/s): ' +
      `${verdict(ratio('8', '8h'), ratio('8', '8h') >= 0.9)}` +
      ` (by server CPU per request, config 8h ÷ config 8: ${fmt(cpuRatio('8h', '8'), 2)})`,
    '- Queue mode against inline with Redis dedupe (not one of the targets): ' +
      `config 8 ÷ config 4 ${fmt(ratio('8', '4'), 2)}` +
      ` (CPU, config 4 ÷ config 8: ${fmt(cpuRatio('4', '8'), 2)})`,
    `- Worker, \`createWorker\` ≥ 0.90 × a bare BullMQ \`Worker\` (jobs/s draining ${int(workerSettings.jobs)} jobs, ` +
      `concurrency ${workerSettings.concurrency}): ${verdict(workerRatio, workerRatio >= 0.9)} ` +
      `(by worker CPU per job, bare ÷ createWorker: ${fmt(workerById('wh')?.cpu / workerById('w')?.cpu, 2)})`,
    `- Enqueue → handler at ${workerSettings.rate} jobs/s (not one of the targets): ` +
      `${latencies('w', '`createWorker`')}, ` +
      `${latencies('wh', 'bare `Worker`')}`,
  ].join('\n');

  const cpu = cpus();
  const loadAfter = loadavg();
  const generated = [
    '# Benchmark results',
    '',
    ...ABOUT,
    '',
    '## This run',
    '',
    `Written by \`pnpm bench\` (bench/run.mjs) on ${started.toISOString()}${smoke ? ' — SMOKE RUN, numbers meaningless' : ''}.`,
    '',
    `- Node ${process.version}, ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${process.platform}/${process.arch}`,
    `- Load average before / after: ${loadBefore.map((l) => l.toFixed(2)).join(' ')} / ${loadAfter.map((l) => l.toFixed(2)).join(' ')} (other work on the machine shows here)`,
    `- ${settings.rounds} round(s), configurations alternating (order rotated each round), ${settings.warmup} s warm-up + ${settings.duration} s measured per run, ${settings.connections} keep-alive connections, autocannon in its own process, each server in its own process, loopback${pin ? ', each server pinned to core 0 and the load generator to core 1 (BENCH_PIN)' : ''}`,
    `- Every request is a distinct pre-signed delivery (pool of ${settings.pool.toLocaleString('en-US')} per run); medians over the rounds. Latencies are each 2xx response's own time in the measured run, taken by the load generator (autocannon's histogram rounds to 1 ms).`,
    '- "server CPU µs/req": the server process\'s own CPU time (user + system, warm-up included) divided by the requests it served. On a shared machine it is the steadier measure of what each receiver costs; req/s also depends on what else was running.',
    '- Queue mode (8, 8h): each server has a redis-server of its own (no persistence), emptied before every run; ' +
      'no worker drains it during the run, so req/s is acknowledgements per second; "Redis CPU" is that ' +
      "redis-server's CPU time per request.",
    `- Workers (w, wh): ${int(workerSettings.warmupJobs)} jobs of warm-up, ` +
      `then ${int(workerSettings.jobs)} pre-filled jobs drained ` +
      `at concurrency ${workerSettings.concurrency}, ` +
      `then ${workerSettings.warmup} s + ${workerSettings.seconds} s at ${workerSettings.rate} jobs/s for the ` +
      'enqueue → handler latency; each run in its own process with a redis-server of its own; medians over the rounds.',
    '',
    '## Throughput and latency',
    '',
    table,
    '',
    '## Queue workers',
    '',
    workerTable,
    '',
    '## Targets (measured, not asserted)',
    '',
    targets,
    '',
    `## Micro-benchmarks (in-process, median of ${micro?.runs ?? 0} runs × ${micro?.n ?? 0} operations, ${micro?.bodyBytes ?? '?'}-byte delivery)`,
    '',
    microTable,
    '',
  ].join('\n');

  process.stdout.write(`${generated}\n`);
  if (outFile) {
    // Hand-written analysis below the marker (profiles, before/after) survives a re-run.
    const MARKER = '<!-- hand-written below this line: kept by bench/run.mjs -->';
    const previous = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
    const kept = previous.includes(MARKER) ? previous.slice(previous.indexOf(MARKER)) : `${MARKER}\n`;
    writeFileSync(outFile, `${generated}\n${kept}`);
    log(`bench: wrote ${outFile}`);
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
