// `pnpm bench:instructions`: CPU instructions per request in each server, counted by
// valgrind's callgrind. Unlike req/s, the count does not move when other work shares the
// machine, so it can compare configurations that differ by a few per cent. It does not
// see what costs time without costing instructions (cache misses, kernel time), which is
// why bench/run.mjs stays the measure of the targets. Needs valgrind (not run in CI).
//
//   node bench/instructions.mjs [--warmup 5000] [--count 3000] [--only 3,6]
//
// Each server runs under callgrind with counting off; a fixed number of deliveries warms it
// up (the JIT has compiled the hot path), counting is switched on for `count` deliveries
// over 10 keep-alive connections, and the dump's total is divided by `count`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIGS, redisReachable, whyUnavailable } from './lib/configs.mjs';
import { PATHS, requestFactory } from './lib/payloads.mjs';
import { startServer } from './lib/servers.mjs';

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
};
const warmup = Number(option('warmup', 5000));
const count = Number(option('count', 3000));
const only = option('only', undefined)?.split(',');
const CONNECTIONS = 10;

try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('bench:instructions needs valgrind (Debian: apt-get install -y valgrind).');
  process.exit(1);
}

/** Sends `deliveries` over keep-alive connections; every one must be answered 200. */
async function send(port, kind, deliveries) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = 0;
  const one = ({ body, headers }) =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: PATHS[kind], method: 'POST', headers, agent }, (res) => {
        res.resume();
        res.once('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`a delivery got ${res.statusCode}, not 200`)),
        );
      });
      req.once('error', reject);
      req.end(body);
    });
  const worker = async () => {
    while (next < deliveries.length) await one(deliveries[next++]);
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
}

async function instructionsPerRequest(config, dir) {
  const factory = await requestFactory(config.kind);
  const deliveries = Array.from({ length: warmup + count }, () => factory.next());
  const out = join(dir, `${config.id}.%p`);
  // Node starts slowly under valgrind: a minute, not run.mjs's 30 s.
  const { child, port } = await startServer(config, {
    wrapper: ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`],
    ipc: false,
    timeoutMs: 120_000,
  });
  try {
    await send(port, config.kind, deliveries.slice(0, warmup));
    execFileSync('callgrind_control', ['--instr=on', String(child.pid)], { stdio: 'ignore' });
    await send(port, config.kind, deliveries.slice(warmup));
    execFileSync('callgrind_control', ['--dump', String(child.pid)], { stdio: 'ignore' });
    const dump = readdirSync(dir).find((name) => name.startsWith(`${config.id}.${child.pid}.`));
    const summary = /^summary: (\d+)$/m.exec(readFileSync(join(dir, dump), 'utf8'));
    return Number(summary[1]) / count;
  } finally {
    child.kill('SIGKILL');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vobiz-instructions-'));
const rows = [];
const redisUp = await redisReachable();
try {
  for (const config of CONFIGS) {
    if (only && !only.includes(config.id)) continue;
    const why = whyUnavailable(config, redisUp);
    if (why) {
      rows.push({ config, why });
      continue;
    }
    process.stderr.write(`config ${config.id}: ${warmup} deliveries to warm up, ${count} counted…\n`);
    rows.push({ config, instructions: await instructionsPerRequest(config, dir) });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const of = (id) => rows.find((row) => row.config.id === id)?.instructions;
const ratio = (value, id) => (value && of(id) ? (value / of(id)).toFixed(2) : '–');
console.log(
  `Instructions per request, whole server process (callgrind; ${warmup} deliveries of warm-up, ${count} counted), Node ${process.version}`,
);
console.log('');
console.log('| # | configuration | instructions/request | vs 2 | vs 6 |');
console.log('|---|---|---:|---:|---:|');
for (const { config, instructions, why } of rows) {
  const cell = instructions ? Math.round(instructions).toLocaleString('en-US') : `not run: ${why}`;
  console.log(
    `| ${config.id} | ${config.name} | ${cell} | ${ratio(instructions, '2')} | ${ratio(instructions, '6')} |`,
  );
}
