#!/usr/bin/env node
// pnpm soak: load, duplicates, forgeries and handler failures against the BUILT Express
// package in its own process, driven over loopback with keep-alive and concurrency, the
// way Vobiz delivers (anything but a 2xx is retried). Exits non-zero if any event is lost,
// handled twice, or a forged delivery is handled.
//
//   node scripts/soak.mjs                       100,000 deliveries (pnpm soak builds first)
//   SOAK_DELIVERIES=5000 node scripts/soak.mjs  the short CI version
//   node scripts/soak.mjs --deliveries 20000 --concurrency 32
//   node scripts/soak.mjs --memory              1,000,000 unique events through the in-memory store
//   node scripts/soak.mjs --queue               queue mode: a web process, two workers, a private Redis;
//                                               one worker SIGKILLed and Redis killed and restarted mid-run
//   node scripts/soak.mjs --json                also print the result as one JSON line (SOAK_RESULT …)
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDriver } from './soak/driver.mjs';
import { buildPlan } from './soak/plan.mjs';
import { int, machine, mib, ms, printRows, quantile } from './soak/stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    deliveries: { type: 'string' },
    concurrency: { type: 'string' },
    memory: { type: 'boolean', default: false },
    events: { type: 'string' },
    queue: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

for (const built of [
  'packages/core/dist/index.js',
  'packages/core/dist/testing/index.js',
  'packages/express/dist/index.js',
  ...(args.queue ? ['packages/bullmq/dist/index.js'] : []),
]) {
  if (!existsSync(join(root, built))) {
    console.error(
      `soak: ${built} is missing. The soak runs the built packages: run \`pnpm build\` first (\`pnpm soak\` does).`,
    );
    process.exit(2);
  }
}

if (args.memory) {
  const { runMemory } = await import('./soak/memory.mjs');
  process.exit(
    await runMemory({ events: Number(args.events ?? process.env.SOAK_EVENTS ?? 1_000_000), json: args.json }),
  );
}

const DELIVERIES = Number(args.deliveries ?? process.env.SOAK_DELIVERIES ?? 100_000);
const CONCURRENCY = Number(args.concurrency ?? process.env.SOAK_CONCURRENCY ?? 64);

if (args.queue) {
  const { runQueue } = await import('./soak/queue.mjs');
  process.exit(await runQueue({ deliveries: DELIVERIES, concurrency: CONCURRENCY, json: args.json }));
}

const { createTestEvent } = await import('../packages/core/dist/testing/index.js');
const SECRET = `whsec_soak_${randomUUID()}`;
const MAX_ATTEMPTS = 25;

// ------------------------------------------------------------------ the plan
// Every delivery is decided up front, so the expected outcome of each is known exactly.

const { plan, uniqueEvents, forgedIds } = buildPlan({ deliveries: DELIVERIES, secret: SECRET, createTestEvent });

// ------------------------------------------------------------------ the server

const server = fork(join(root, 'scripts/soak/server.mjs'), [], {
  // The production profile: NODE_ENV=production also turns off the development-only
  // signature diagnostics, which would otherwise recompute HMACs for every forged delivery.
  env: { ...process.env, NODE_ENV: process.env.SOAK_NODE_ENV ?? 'production', SOAK_SECRET: SECRET },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const fromServer = (type) =>
  new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message?.type !== type) return;
      server.off('message', onMessage);
      server.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code) => reject(new Error(`the soak server exited early (code ${code})`));
    server.on('message', onMessage);
    server.once('exit', onExit);
  });
const { port, pid } = await fromServer('ready');

// ------------------------------------------------------------------ the driver

const driver = createDriver({ port, concurrency: CONCURRENCY, maxAttempts: MAX_ATTEMPTS });
const { counts, latencies } = driver;

console.log(
  `soak: ${int(DELIVERIES)} deliveries (${int(uniqueEvents.length)} unique events, ` +
    `${int(plan.filter((d) => d.duplicate).length)} duplicates, ${int(forgedIds.size)} forged, ` +
    `${int(uniqueEvents.filter((e) => e.failOnce).length)} failing once) → pid ${pid} on 127.0.0.1:${port}, concurrency ${CONCURRENCY}`,
);
const started = performance.now();
await driver.drive(plan);
const elapsedMs = performance.now() - started;

// ------------------------------------------------------------------ the verdict

server.send({ type: 'report' });
const report = await fromServer('report');
server.disconnect();

const completed = new Map(report.completed);
let handledOnce = 0;
let handledTwice = 0;
let lost = 0;
for (const { id } of uniqueEvents) {
  const times = completed.get(id) ?? 0;
  if (times === 0) lost++;
  else if (times === 1) handledOnce++;
  else handledTwice++;
}
const forgedHandled = [...forgedIds].filter((id) => completed.has(id)).length;
const unexpected = Object.values(counts.unexpected).reduce((a, b) => a + b, 0);

const result = {
  deliveries: DELIVERIES,
  uniqueEvents: uniqueEvents.length,
  sent: counts.requests,
  accepted: counts.accepted,
  acceptedFirstTry: counts.acceptedFirst,
  answeredDuplicate: counts.duplicateAnswers,
  rejected: counts.rejectedForged,
  retried: counts.retried,
  unexpected: counts.unexpected,
  handledOnce,
  handledTwice,
  lost,
  forgedHandled,
  injectedFailures: report.failedOnce,
  handlerInvocations: report.invocations,
  serverRefusals: report.refusals,
  p50Ms: quantile(latencies, 0.5),
  p99Ms: quantile(latencies, 0.99),
  maxMs: quantile(latencies, 1),
  throughputPerSec: (counts.requests / elapsedMs) * 1000,
  elapsedSec: elapsedMs / 1000,
  serverPeakRssBytes: report.peakRssBytes,
  serverRssBytesAtEnd: report.rssBytes,
  concurrency: CONCURRENCY,
  machine: machine(),
};

printRows('soak result', [
  ['deliveries planned', int(DELIVERIES)],
  ['unique events', int(uniqueEvents.length)],
  ['sent (requests, with retries)', int(counts.requests)],
  ['accepted (200)', `${int(counts.accepted)} (${int(counts.duplicateAnswers)} answered as duplicates)`],
  ['rejected (401, forged)', int(counts.rejectedForged)],
  [
    'retried',
    Object.entries(counts.retried)
      .map(([k, v]) => `${k}: ${int(v)}`)
      .join(', ') || '0',
  ],
  [
    'unexpected answers',
    Object.entries(counts.unexpected)
      .map(([k, v]) => `${k}: ${int(v)}`)
      .join(', ') || '0',
  ],
  ['handled once', int(handledOnce)],
  ['handled twice', int(handledTwice)],
  ['lost', int(lost)],
  ['forged handled', int(forgedHandled)],
  ['injected handler failures', int(report.failedOnce)],
  ['latency p50 / p99 / max', `${ms(result.p50Ms)} / ${ms(result.p99Ms)} / ${ms(result.maxMs)}`],
  ['throughput', `${int(Math.round(result.throughputPerSec))} requests/s over ${result.elapsedSec.toFixed(1)} s`],
  ['server peak RSS', mib(report.peakRssBytes)],
  [
    'machine',
    `Node ${result.machine.node}, ${result.machine.cpus} CPUs (${result.machine.cpuModel}), ${result.machine.platform}`,
  ],
]);
if (args.json) console.log(`SOAK_RESULT ${JSON.stringify(result)}`);

const problems = [];
if (lost > 0) problems.push(`${lost} events were never handled`);
if (handledTwice > 0) problems.push(`${handledTwice} events were handled more than once`);
if (forgedHandled > 0) problems.push(`${forgedHandled} forged deliveries were handled`);
if (unexpected > 0) problems.push(`${unexpected} unexpected answers`);
if (counts.gaveUp > 0) problems.push(`${counts.gaveUp} deliveries were still failing after ${MAX_ATTEMPTS} attempts`);
if (problems.length > 0) {
  console.error(`\nsoak FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('\nsoak passed: every event handled exactly once, nothing forged handled.');
