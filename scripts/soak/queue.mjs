// node scripts/soak.mjs --queue: the soak's plan (duplicates, forgeries, handlers that fail
// once) through queue mode, with the failures queue mode exists for happening mid-run:
//
//   - a web process (scripts/soak/queue-web.mjs) in queue mode, answering 200 once a job is
//     stored in a private redis-server with `appendonly yes`;
//   - two worker processes (scripts/soak/queue-worker.mjs); at 30% of the deliveries one is
//     SIGKILLed and a new one started;
//   - at 65%, Redis itself is SIGKILLed and, a second later, started again from its
//     append-only file, while the sender keeps retrying every non-2xx, as Vobiz does.
//
// Then it waits until the queue has no job left to run and reads the workers' journals.
// "Lost" is a signed event no handler completed; "handled twice" one completed more than once,
// except the one case a crash allows: a job the killed worker had finished handling but not yet
// recorded as done is run again by the worker that takes it over. Those are counted apart
// ("re-run after the SIGKILL"); there can be no more of them than the killed worker's
// concurrency, and the run fails if there are more.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDriver } from './driver.mjs';
import { buildPlan } from './plan.mjs';
import { redisServerInstalled, startPrivateRedis } from './redis.mjs';
import { int, machine, mib, ms, printRows, quantile } from './stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const WORKER_CONCURRENCY = Number(process.env.SOAK_WORKER_CONCURRENCY ?? 10);
const KILL_WORKER_AT = 0.3;
const RESTART_REDIS_AT = 0.65;
// Down long enough that deliveries meet the outage, not only commands already in flight.
const REDIS_DOWN_MS = Number(process.env.SOAK_REDIS_DOWN_MS ?? 1_000);
const DRAIN_TIMEOUT_MS = Number(process.env.SOAK_DRAIN_TIMEOUT_MS ?? 180_000);
// Redis is down for seconds: the sender retries for up to a minute, backing off to 1 s.
const MAX_ATTEMPTS = 80;
const MAX_BACKOFF_MS = 1_000;
// A job in flight at the SIGKILL finished its handler moments before it, never seconds.
const RERUN_WINDOW_MS = 5_000;
const pause = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** A child process that answers `{ type }` messages over IPC. */
function child(file, env) {
  const proc = fork(join(here, file), [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reply = (type, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(reject, new Error(`${file} sent no '${type}' within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onMessage = (message) => message?.type === type && finish(resolve, message);
      const onExit = (code, signal) => finish(reject, new Error(`${file} exited early (${code ?? signal})`));
      function finish(settle, value) {
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        settle(value);
      }
      proc.on('message', onMessage);
      proc.once('exit', onExit);
    });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return { proc, reply, exited };
}

export async function runQueue({ deliveries, concurrency, json }) {
  if (!redisServerInstalled()) {
    console.error('soak --queue: needs redis-server on PATH (Debian: apt-get install -y redis-server).');
    return 2;
  }
  const { createTestEvent } = await import('../../packages/core/dist/testing/index.js');
  const { bullmqQueue } = await import('../../packages/bullmq/dist/index.js');
  const secret = `whsec_soak_${randomUUID()}`;
  const queueName = `vobiz-soak-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), 'vobiz-soak-queue-'));
  const markers = join(dir, 'fail-once');
  mkdirSync(markers);
  mkdirSync(join(dir, 'redis'));
  const children = [];
  const redis = await startPrivateRedis(join(dir, 'redis'));

  try {
    const { plan, uniqueEvents, forgedIds } = buildPlan({ deliveries, secret, createTestEvent });
    const shared = { SOAK_REDIS_PORT: String(redis.port), SOAK_QUEUE: queueName };

    const web = child('queue-web.mjs', { ...shared, SOAK_SECRET: secret, NODE_ENV: 'production' });
    children.push(web);
    const { port, pid: webPid } = await web.reply('ready');

    const workers = [];
    let started = 0;
    const startWorker = async () => {
      const journal = join(dir, `worker-${++started}.journal`);
      const worker = child('queue-worker.mjs', {
        ...shared,
        SOAK_JOURNAL: journal,
        SOAK_MARKERS: markers,
        SOAK_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      });
      children.push(worker);
      const { pid } = await worker.reply('ready');
      const entry = { ...worker, pid, journal, killed: false };
      workers.push(entry);
      return entry;
    };
    await Promise.all([startWorker(), startWorker()]);

    const sentAt = new Map();
    const driver = createDriver({
      port,
      concurrency,
      maxAttempts: MAX_ATTEMPTS,
      maxBackoffMs: MAX_BACKOFF_MS,
      onFirstAttempt: (delivery) => delivery.id && !sentAt.has(delivery.id) && sentAt.set(delivery.id, Date.now()),
    });

    console.log(
      `soak --queue: ${int(deliveries)} deliveries (${int(uniqueEvents.length)} unique events, ` +
        `${int(plan.filter((d) => d.duplicate).length)} duplicates, ${int(forgedIds.size)} forged, ` +
        `${int(uniqueEvents.filter((e) => e.failOnce).length)} failing once) → ` +
        `web pid ${webPid} on 127.0.0.1:${port}, ` +
        `2 workers × concurrency ${WORKER_CONCURRENCY}, redis-server on ${redis.port} (appendonly yes), ` +
        `sender concurrency ${concurrency}`,
    );

    const chaos = { workerKilledAt: undefined, killedPid: undefined, redisDownMs: undefined, log: [] };
    const note = (line) => {
      chaos.log.push(line);
      console.log(`  ${line}`);
    };
    const driveStarted = performance.now();
    const whenDone = async (share) => {
      while (driver.done() < Math.floor(deliveries * share) && driver.done() < deliveries) await pause(5);
    };
    const disruptions = (async () => {
      await whenDone(KILL_WORKER_AT);
      const victim = workers[0];
      victim.killed = true;
      chaos.killedPid = victim.pid;
      chaos.workerKilledAt = Date.now();
      victim.proc.kill('SIGKILL');
      await victim.exited;
      note(`${int(driver.done())} deliveries done: worker pid ${victim.pid} SIGKILLed`);
      const fresh = await startWorker();
      note(`worker pid ${fresh.pid} started`);
      await whenDone(RESTART_REDIS_AT);
      const down = performance.now();
      await redis.kill();
      note(`${int(driver.done())} deliveries done: redis-server SIGKILLed`);
      await pause(REDIS_DOWN_MS);
      await redis.start();
      chaos.redisDownMs = performance.now() - down;
      note(`redis-server restarted from its append-only file after ${ms(chaos.redisDownMs)}`);
    })();
    await driver.drive(plan);
    const elapsedMs = performance.now() - driveStarted;
    await disruptions;

    // Every acknowledged event is a job; the run is over when none is left to run.
    const inspect = bullmqQueue({ connection: redis.connection, name: queueName, logger: false });
    const drainStarted = performance.now();
    let counts;
    let idleSince;
    for (;;) {
      counts = await inspect.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
      const left = Object.values(counts).reduce((a, b) => a + b, 0);
      if (left === 0) {
        idleSince ??= performance.now();
        if (performance.now() - idleSince > 1_000) break;
      } else idleSince = undefined;
      if (performance.now() - drainStarted > DRAIN_TIMEOUT_MS) break;
      await pause(100);
    }
    const drainMs = performance.now() - drainStarted;
    const finished = await inspect.queue.getJobCounts('completed', 'failed');
    await inspect.close();

    web.proc.send({ type: 'report' });
    const webReport = await web.reply('report');
    const live = workers.filter((w) => !w.killed);
    for (const w of live) w.proc.send({ type: 'report' });
    const workerReports = await Promise.all(live.map((w) => w.reply('report')));
    for (const c of children) if (c.proc.connected) c.proc.disconnect();
    await Promise.all(children.map((c) => c.exited));

    // ------------------------------------------------------------ the verdict
    const completions = new Map(); // event_id → [{ pid, at }]
    let injectedFailures = 0;
    let killedWorkerHandled = 0;
    for (const w of workers) {
      for (const line of readFileSync(w.journal, 'utf8').split('\n')) {
        if (line === '') continue;
        const [kind, id, at] = line.split(' ');
        if (kind === 'F') injectedFailures++;
        else {
          if (w.killed) killedWorkerHandled++;
          (completions.get(id) ?? completions.set(id, []).get(id)).push({ pid: w.pid, at: Number(at) });
        }
      }
    }
    for (const runs of completions.values()) runs.sort((a, b) => a.at - b.at);
    let handledOnce = 0;
    let handledTwice = 0;
    let rerunAfterKill = 0;
    let lost = 0;
    const handledLatencies = [];
    for (const { id } of uniqueEvents) {
      const runs = completions.get(id) ?? [];
      if (runs.length === 0) lost++;
      else if (runs.length === 1) handledOnce++;
      else if (
        runs.length === 2 &&
        runs[0].pid === chaos.killedPid &&
        runs[0].at <= chaos.workerKilledAt &&
        runs[0].at >= chaos.workerKilledAt - RERUN_WINDOW_MS &&
        runs[1].pid !== chaos.killedPid
      )
        rerunAfterKill++;
      else handledTwice++;
      if (runs.length > 0) handledLatencies.push(runs[0].at - sentAt.get(id));
    }
    const forgedHandled = [...forgedIds].filter((id) => completions.has(id)).length;
    const { counts: sent } = driver;
    const unexpected = Object.values(sent.unexpected).reduce((a, b) => a + b, 0);

    const result = {
      mode: 'queue',
      deliveries,
      uniqueEvents: uniqueEvents.length,
      sent: sent.requests,
      accepted: sent.accepted,
      acceptedFirstTry: sent.acceptedFirst,
      answeredDuplicate: sent.duplicateAnswers,
      rejected: sent.rejectedForged,
      retried: sent.retried,
      unexpected: sent.unexpected,
      gaveUp: sent.gaveUp,
      handledOnce,
      handledTwice,
      rerunAfterKill,
      lost,
      forgedHandled,
      injectedFailures,
      jobsCompleted: finished.completed,
      jobsFailed: finished.failed,
      jobsLeft: counts,
      workerKilledPid: chaos.killedPid,
      killedWorkerHandled,
      // Jobs the killed worker held, moved back to wait by the others once their locks expired.
      recoveredJobs: workerReports.reduce((sum, r) => sum + (r.logged.stalled ?? 0), 0),
      redisDownMs: chaos.redisDownMs,
      webRefusals: webReport.refusals,
      workerLogs: workerReports.map((r) => r.logged),
      p50Ms: quantile(driver.latencies, 0.5),
      p99Ms: quantile(driver.latencies, 0.99),
      maxMs: quantile(driver.latencies, 1),
      sentToHandledP50Ms: quantile(handledLatencies, 0.5),
      sentToHandledP99Ms: quantile(handledLatencies, 0.99),
      sentToHandledMaxMs: quantile(handledLatencies, 1),
      throughputPerSec: (sent.requests / elapsedMs) * 1000,
      acksPerSec: (sent.accepted / elapsedMs) * 1000,
      elapsedSec: elapsedMs / 1000,
      drainSec: drainMs / 1000,
      webPeakRssBytes: webReport.peakRssBytes,
      workerPeakRssBytes: Math.max(...workerReports.map((r) => r.peakRssBytes)),
      concurrency,
      workerConcurrency: WORKER_CONCURRENCY,
      machine: machine(),
    };

    const list = (bucket) =>
      Object.entries(bucket)
        .map(([k, v]) => `${k}: ${int(v)}`)
        .join(', ') || '0';
    printRows('soak --queue result', [
      ['deliveries planned', int(deliveries)],
      ['unique events', int(uniqueEvents.length)],
      ['sent (requests, with retries)', int(sent.requests)],
      ['accepted (200)', `${int(sent.accepted)} (${int(sent.duplicateAnswers)} answered as duplicates)`],
      ['rejected (401, forged)', int(sent.rejectedForged)],
      ['retried', list(sent.retried)],
      ['unexpected answers', list(sent.unexpected)],
      ['handled once', int(handledOnce)],
      ['handled twice', int(handledTwice)],
      ['re-run after the SIGKILL', `${int(rerunAfterKill)} (at most ${WORKER_CONCURRENCY}, the killed worker's jobs)`],
      ['lost', int(lost)],
      ['forged handled', int(forgedHandled)],
      ['injected handler failures', int(injectedFailures)],
      ['jobs completed / failed', `${int(finished.completed)} / ${int(finished.failed)}`],
      [
        'killed worker',
        `had handled ${int(killedWorkerHandled)} events; ${int(result.recoveredJobs)} of its jobs were taken over`,
      ],
      ['disruptions', chaos.log.join('; ')],
      ['answer latency p50 / p99 / max', `${ms(result.p50Ms)} / ${ms(result.p99Ms)} / ${ms(result.maxMs)}`],
      [
        'first sent → handled p50 / p99 / max',
        `${ms(result.sentToHandledP50Ms)} / ${ms(result.sentToHandledP99Ms)} / ${ms(result.sentToHandledMaxMs)}`,
      ],
      [
        'throughput',
        `${int(Math.round(result.throughputPerSec))} requests/s, ` +
          `${int(Math.round(result.acksPerSec))} acknowledged/s ` +
          `over ${result.elapsedSec.toFixed(1)} s; queue drained ${result.drainSec.toFixed(1)} s after the last answer`,
      ],
      ['peak RSS web / worker', `${mib(result.webPeakRssBytes)} / ${mib(result.workerPeakRssBytes)}`],
      [
        'machine',
        `Node ${result.machine.node}, ${result.machine.cpus} CPUs (${result.machine.cpuModel}), ` +
          result.machine.platform,
      ],
    ]);
    if (json) console.log(`SOAK_RESULT ${JSON.stringify(result)}`);

    const problems = [];
    if (lost > 0) problems.push(`${lost} events were never handled`);
    if (handledTwice > 0) problems.push(`${handledTwice} events were handled more than once`);
    if (rerunAfterKill > WORKER_CONCURRENCY)
      problems.push(`${rerunAfterKill} events re-run after the SIGKILL, more than the killed worker could hold`);
    if (forgedHandled > 0) problems.push(`${forgedHandled} forged deliveries were handled`);
    if (unexpected > 0) problems.push(`${unexpected} unexpected answers`);
    if (sent.gaveUp > 0) problems.push(`${sent.gaveUp} deliveries were still failing after ${MAX_ATTEMPTS} attempts`);
    if (finished.failed > 0) problems.push(`${finished.failed} jobs ended in the failed set`);
    if (problems.length > 0) {
      console.error(`\nsoak --queue FAILED: ${problems.join('; ')}`);
      return 1;
    }
    console.log('\nsoak --queue passed: every event handled, none twice, nothing forged handled.');
    return 0;
  } finally {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await redis.shutdown();
    if (!process.env.SOAK_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}
