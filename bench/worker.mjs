// One worker run of `pnpm bench`, in its own process with a redis-server of its own:
//
//   drain    a first worker drains `warmupJobs` jobs of another queue (so the code is compiled),
//            then the queue is filled with `jobs` jobs, as the receiver stores them
//            (`bullmqQueue().enqueue` of the bench's 1.7 KB delivery); then the worker starts and
//            the time until it completed all of them gives jobs/s, its CPU and Redis's per job.
//   latency  the worker runs while a producer (this file again, mode `produce`, in another
//            process) enqueues at a fixed `rate` below capacity; each handler's start minus its
//            job's timestamp, over `seconds` after `warmup` seconds.
//
// `worker` is `vobiz` (@vobiz-webhooks/bullmq `createWorker`, a no-op handler) or `bare` (a BullMQ
// `Worker`, a no-op processor), at the same `concurrency`. Prints one JSON line.
// Usage: node bench/worker.mjs '{"mode":"drain","worker":"vobiz","jobs":10000,"concurrency":10}'
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { importPackage, requireDependency } from './lib/packages.mjs';
import { requestFactory } from './lib/payloads.mjs';
import { startRedisServer } from './lib/redis-server.mjs';

const spec = JSON.parse(process.argv[2]);
const QUEUE = 'vobiz-bench-worker';
const { bullmqQueue, createWorker } = await importPackage('bullmq');
const wallNow = () => performance.timeOrigin + performance.now();
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Events as the receiver enqueues them: the parsed delivery, each with its own event id. */
async function eventMaker() {
  const factory = await requestFactory('vobiz');
  return () => JSON.parse(factory.next().body.toString('utf8'));
}

/** Enqueues with at most `inFlight` adds outstanding, as many web connections would. */
async function fill(events, count, nextEvent, inFlight = 100) {
  let added = 0;
  const lane = async () => {
    while (added < count) {
      added++;
      const event = nextEvent();
      await events.enqueue(event, event.event_id);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/**
 * The worker under test, not yet running. `onStart(job or event)` is each handler's first act:
 * createWorker's handler sees only the event, so its job's timestamp is taken as BullMQ hands
 * the job over ('active', emitted just before the processor is called).
 */
async function makeWorker(connection, onStart, name = QUEUE) {
  if (spec.worker === 'vobiz') {
    const stamps = new Map();
    const made = createWorker({
      connection,
      name,
      concurrency: spec.concurrency,
      logger: false,
      autorun: false,
      on: {
        'message.inbound': (event) => {
          const timestamp = stamps.get(event.event_id);
          stamps.delete(event.event_id);
          onStart(timestamp);
        },
      },
    });
    made.worker.on('active', (job) => stamps.set(job.data.event.event_id, job.timestamp));
    await made.worker.waitUntilReady();
    return made.worker;
  }
  const { Worker } = requireDependency('bullmq', 'bullmq');
  const worker = new Worker(name, async (job) => onStart(job.timestamp), {
    connection: { ...connection, maxRetriesPerRequest: null },
    concurrency: spec.concurrency,
    autorun: false,
  });
  await worker.waitUntilReady();
  return worker;
}

function completions(worker, count) {
  let completed = 0;
  let failed = 0;
  return new Promise((resolve, reject) => {
    worker.on('failed', (_job, error) => {
      failed++;
      reject(new Error(`a job failed (${failed} so far): ${error?.message}`));
    });
    worker.on('completed', () => {
      if (++completed === count) resolve();
    });
  });
}

async function drain() {
  const redis = await startRedisServer();
  const nextEvent = await eventMaker();
  if (spec.warmupJobs > 0) {
    const warm = bullmqQueue({ connection: redis.connection, name: `${QUEUE}-warm-up`, logger: false });
    await fill(warm, spec.warmupJobs, nextEvent);
    const worker = await makeWorker(redis.connection, () => {}, `${QUEUE}-warm-up`);
    const done = completions(worker, spec.warmupJobs);
    worker.run().catch(() => {});
    await done;
    await worker.close();
    await warm.close();
  }
  const events = bullmqQueue({ connection: redis.connection, name: QUEUE, logger: false });
  await events.queue.waitUntilReady();
  await fill(events, spec.jobs, nextEvent);
  const worker = await makeWorker(redis.connection, () => {});
  const done = completions(worker, spec.jobs);
  const cpuBefore = process.cpuUsage();
  const redisBefore = await redis.cpuSeconds();
  const started = performance.now();
  worker.run().catch(() => {});
  await done;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const redisCpu = (await redis.cpuSeconds()) - redisBefore;
  await worker.close();
  await events.close();
  await redis.stop();
  return {
    jobsPerSec: spec.jobs / seconds,
    seconds,
    cpuPerJob: (cpu.user + cpu.system) / spec.jobs,
    redisCpuPerJob: (redisCpu * 1e6) / spec.jobs,
  };
}

async function latency() {
  const redis = await startRedisServer();
  const samples = [];
  let measureFrom = Infinity;
  const worker = await makeWorker(redis.connection, (timestamp) => {
    if (timestamp >= measureFrom) samples.push(wallNow() - timestamp);
  });
  let completed = 0;
  worker.on('completed', () => completed++);
  worker.run().catch(() => {});
  const producer = fork(
    fileURLToPath(import.meta.url),
    [JSON.stringify({ ...spec, mode: 'produce', port: redis.port })],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const produced = await new Promise((resolve, reject) => {
    producer.on('message', (message) => {
      if (message.started) measureFrom = message.started + spec.warmup * 1000;
      if (message.produced !== undefined) resolve(message.produced);
    });
    producer.once('exit', (code) => reject(new Error(`the producer exited with ${code}`)));
  });
  // Every job the producer stored must reach a handler before the figures are read.
  const deadline = Date.now() + 30_000;
  while (completed < produced) {
    if (Date.now() > deadline) throw new Error('the worker did not complete every produced job within 30 s');
    await pause(50);
  }
  await worker.close();
  await redis.stop();
  samples.sort((a, b) => a - b);
  const at = (p) => samples[Math.min(samples.length - 1, Math.floor((samples.length * p) / 100))] ?? null;
  return { p50: at(50), p99: at(99), samples: samples.length, produced, rate: spec.rate };
}

/** The producer: enqueues at a fixed rate, on a schedule that catches up after a late timer. */
async function produce() {
  const events = bullmqQueue({ connection: { host: '127.0.0.1', port: spec.port }, name: QUEUE, logger: false });
  await events.queue.waitUntilReady();
  const nextEvent = await eventMaker();
  const total = Math.round(spec.rate * (spec.warmup + spec.seconds));
  const prepared = Array.from({ length: total }, nextEvent);
  const interval = 1000 / spec.rate;
  const started = performance.now();
  process.send({ started: wallNow() });
  const pending = [];
  for (let i = 0; i < total;) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await pause(wait - 0.5);
    while (i < total && started + i * interval <= performance.now()) {
      const event = prepared[i++];
      pending.push(events.enqueue(event, event.event_id));
    }
  }
  await Promise.all(pending);
  await events.close();
  process.send({ produced: total });
  process.disconnect();
}

const run = { drain, latency, produce }[spec.mode];
if (!run) throw new Error(`unknown mode ${spec.mode}`);
const result = await run();
if (result) process.stdout.write(`${JSON.stringify({ worker: spec.worker, mode: spec.mode, ...result })}\n`);
process.exit(0);
