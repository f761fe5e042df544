// node scripts/soak.mjs --memory: 1,000,000 unique signed events through the full core
// pipeline (HMAC, JSON, schema, dedupe) with the default in-memory store, in this process,
// to show that the store stays at maxEntries and memory stays flat once it is full.
import { createHmac, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createReceiver, memoryDedupeStore } from '../../packages/core/dist/index.js';
import { createTestEvent } from '../../packages/core/dist/testing/index.js';
import { int, machine, mib, printRows } from './stats.mjs';

// A full collection before each sample, so the figures are live memory, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const MAX_ENTRIES = 100_000; // the store's default, spelled out for the report

export async function runMemory({ events, json }) {
  const secret = `whsec_memory_${randomUUID()}`;
  // Overfilled on purpose: its warning that it forgets done markers early would be noise in the report.
  const store = memoryDedupeStore({ logger: false });
  let handled = 0;
  const receiver = createReceiver({ secret, dedupe: store, logger: false, on: { '*': () => void handled++ } });

  // One realistic body; only the event id changes, so the cost measured is the pipeline's.
  const template = JSON.stringify(
    createTestEvent('message.inbound', { event_id: '00000000-0000-4000-8000-000000000000' }),
  );
  const headers = {
    'content-type': 'application/json',
    'x-webhook-signature': '',
    'x-webhook-event': 'message.inbound',
  };

  const samples = [];
  const sample = (done) => {
    gc();
    const { rss, heapUsed } = process.memoryUsage();
    samples.push({ events: done, storeSize: store.size, rss, heapUsed });
  };
  let maxSize = 0;
  const every = Math.max(1, Math.floor(events / 10));
  const started = performance.now();
  sample(0);
  for (let i = 1; i <= events; i++) {
    const body = template.replace('00000000-0000-4000-8000-000000000000', randomUUID());
    headers['x-webhook-signature'] = createHmac('sha256', secret).update(body).digest('hex');
    const result = await receiver.receive({ method: 'POST', headers, rawBody: body });
    if (result.status !== 200) throw new Error(`event ${i} was answered ${result.status}: ${result.body}`);
    if (store.size > maxSize) maxSize = store.size;
    if (i % every === 0) sample(i);
  }
  const elapsed = (performance.now() - started) / 1000;

  // Warm-up ends when the store is full; from then on memory should not grow.
  const warm = samples.find((s) => s.storeSize >= Math.min(MAX_ENTRIES, events)) ?? samples[samples.length - 1];
  const last = samples[samples.length - 1];
  const afterWarm = samples.filter((s) => s.events >= warm.events);
  const peakRssAfterWarm = Math.max(...afterWarm.map((s) => s.rss));
  const result = {
    events,
    handled,
    maxEntries: MAX_ENTRIES,
    maxStoreSize: maxSize,
    finalStoreSize: store.size,
    warmUpAtEvents: warm.events,
    rssAfterWarmUp: warm.rss,
    rssAtEnd: last.rss,
    peakRssAfterWarmUp: peakRssAfterWarm,
    heapAfterWarmUp: warm.heapUsed,
    heapAtEnd: last.heapUsed,
    eventsPerSec: events / elapsed,
    elapsedSec: elapsed,
    samples,
    machine: machine(),
  };

  printRows('memory soak: unique events through createReceiver + memoryDedupeStore()', [
    ['events handled', int(handled)],
    ['store size (max seen / at end)', `${int(maxSize)} / ${int(store.size)} (maxEntries ${int(MAX_ENTRIES)})`],
    ['RSS after warm-up', `${mib(warm.rss)} (at ${int(warm.events)} events)`],
    ['RSS at end', mib(last.rss)],
    ['peak RSS after warm-up', mib(peakRssAfterWarm)],
    ['heap used after GC: warm-up → end', `${mib(warm.heapUsed)} → ${mib(last.heapUsed)}`],
    ['rate', `${int(Math.round(result.eventsPerSec))} events/s over ${elapsed.toFixed(1)} s (single process, no HTTP)`],
  ]);
  console.log('\n  events     store size   RSS         heap used');
  for (const s of samples) {
    console.log(
      `  ${int(s.events).padStart(9)}  ${int(s.storeSize).padStart(11)}  ${mib(s.rss).padStart(10)}  ${mib(s.heapUsed).padStart(10)}`,
    );
  }
  if (json) console.log(`SOAK_MEMORY_RESULT ${JSON.stringify(result)}`);

  if (maxSize > MAX_ENTRIES || handled !== events) {
    console.error(
      `\nmemory soak FAILED: store reached ${maxSize} entries (max ${MAX_ENTRIES}); ${handled}/${events} handled.`,
    );
    return 1;
  }
  // Heap after a full GC is the stable measure (RSS also holds freed pages the allocator keeps).
  if (events >= 4 * MAX_ENTRIES && last.heapUsed > warm.heapUsed * 1.25 + 8 * 1024 * 1024) {
    console.error(`\nmemory soak FAILED: heap grew from ${mib(warm.heapUsed)} after warm-up to ${mib(last.heapUsed)}.`);
    return 1;
  }
  console.log('\nmemory soak passed: the store stayed at maxEntries and memory stayed flat after warm-up.');
  return 0;
}
