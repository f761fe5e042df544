// In-process micro-benchmarks, steadier than HTTP load on a busy machine:
// the core pipeline per delivery against the createHmac + JSON.parse floor, and
// signature verification alone against @octokit/webhooks-methods and standardwebhooks.
// Prints one JSON line: { cases: [{ group, name, nsPerOp }] }. `--smoke` = a tiny run.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhooks } from '@octokit/webhooks';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { importPackage } from './lib/packages.mjs';
import { SECRET, requestFactory } from './lib/payloads.mjs';

const smoke = process.argv.includes('--smoke');
const N = Number(process.env.BENCH_MICRO_N ?? (smoke ? 200 : 4000));
const RUNS = Number(process.env.BENCH_MICRO_RUNS ?? (smoke ? 3 : 15));

const core = await importPackage('core');
const factory = await requestFactory('vobiz');
const pool = Array.from({ length: N }, () => factory.next());
const texts = pool.map((request) => request.body.toString('utf8'));

const standard = new Webhook(Buffer.from(SECRET).toString('base64'));
const standardHeaders = texts.map((text, i) => {
  const id = `msg_${i}`;
  const timestamp = new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp / 1000)),
    'webhook-signature': standard.sign(id, timestamp, text),
  };
});
const octokitSignatures = pool.map((request) => `sha256=${request.headers['x-webhook-signature']}`);
// The same-sized GitHub `issues` delivery configuration 6 receives, for @octokit/webhooks' own pipeline.
const issuesFactory = await requestFactory('octokit');
const issues = Array.from({ length: N }, () => {
  const { body, headers } = issuesFactory.next();
  return {
    id: headers['x-github-delivery'],
    name: 'issues',
    payload: body.toString('utf8'),
    signature: headers['x-hub-signature-256'],
  };
});

const expectTrue = (value, what) => {
  if (value !== true) throw new Error(`${what} did not verify: the benchmark would measure a failure path`);
};

let fullStore;
function fillStore() {
  // Filled to maxEntries on purpose: its warning that it forgets done markers early is noise here.
  const store = core.memoryDedupeStore({ logger: false });
  for (let i = 0; i < 100_000; i++) {
    store.claim(`filler-${i}`, 60_000, `token-${i}`);
    store.complete(`filler-${i}`, 60_000, `token-${i}`);
  }
  return store;
}

// A logger that keeps nothing, not `logger: false`: with a logger the receiver also checks
// each payload against Meta's documented types (to report departures), as it does by default.
const quiet = { warn() {}, error() {} };

/** A receiver whose handler does as little as the floor does: this measures the library alone. */
const receiverWith = (options = {}) =>
  core.createReceiver({ secret: SECRET, logger: quiet, on: { 'message.inbound': () => {} }, ...options });

/** One delivery per operation through `receive()`; anything but a first-time 200 would measure a failure path. */
const receiving = (receiver, deliveries) => async (i) => {
  const { body, headers } = deliveries[i];
  const result = await receiver.receive({ method: 'POST', headers, rawBody: body });
  if (result.status !== 200 || result.body !== '{"ok":true}')
    throw new Error(`receive answered ${result.status}: ${result.body}`);
};

/** Each case runs `N` operations; `setup` (untimed) runs before each timed pass. */
const allCases = [
  {
    group: 'pipeline',
    name: 'core pipeline: createReceiver().receive() (verify + parse + validate + dedupe + route)',
    // A fresh store per pass, so every event_id is new and never short-circuits as a duplicate.
    setup: () => receiving(receiverWith(), pool),
  },
  {
    group: 'pipeline',
    name: 'floor: createHmac + JSON.parse',
    setup: () => (i) => {
      const { body, headers } = pool[i];
      const digest = createHmac('sha256', SECRET).update(body).digest('hex');
      if (digest !== headers['x-webhook-signature']) throw new Error('floor: signature mismatch');
      JSON.parse(body.toString('utf8'));
    },
  },
  {
    group: 'pipeline',
    name: 'Vobiz docs snippet: createHmac + timingSafeEqual + JSON.parse',
    setup: () => (i) => {
      const { body, headers } = pool[i];
      const given = headers['x-webhook-signature'];
      const expected = createHmac('sha256', SECRET).update(body).digest('hex');
      expectTrue(
        given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected)),
        'docs snippet',
      );
      JSON.parse(body.toString('utf8'));
    },
  },
  {
    group: 'pipeline',
    name: 'peer: @octokit/webhooks verifyAndReceive (verify + JSON.parse + emit; no schema, no dedupe)',
    setup() {
      const webhooks = new Webhooks({ secret: SECRET });
      let handled = 0;
      webhooks.on('issues.opened', () => void handled++);
      return (i) => webhooks.verifyAndReceive(issues[i]);
    },
  },
  {
    group: 'pipeline',
    name: 'part: the same pipeline, in-memory store full (100,000 entries: a server after a busy day)',
    setup() {
      // Fresh deliveries each pass (signed here, untimed): the full store remembers the last ones.
      fullStore ??= fillStore();
      return receiving(
        receiverWith({ dedupe: fullStore }),
        Array.from({ length: N }, () => factory.next()),
      );
    },
  },
  {
    group: 'pipeline',
    name: 'part: the same pipeline with dedupe: false',
    setup: () => receiving(receiverWith({ dedupe: false }), pool),
  },
  {
    group: 'pipeline',
    name: 'part: parseEnvelope (JSON.parse + envelope validation)',
    setup: () => (i) => void core.parseEnvelope(texts[i]),
  },
  {
    group: 'pipeline',
    name: 'part: JSON.parse alone (parseEnvelope minus this = validation)',
    setup: () => (i) => void JSON.parse(texts[i]),
  },
  {
    group: 'signature',
    name: 'floor: createHmac + timingSafeEqual',
    setup: () => (i) => {
      const { body, headers } = pool[i];
      const expected = createHmac('sha256', SECRET).update(body).digest();
      expectTrue(timingSafeEqual(expected, Buffer.from(headers['x-webhook-signature'], 'hex')), 'floor');
    },
  },
  {
    group: 'signature',
    name: '@vobiz-webhooks/core verifySignature (bytes)',
    setup: () => (i) =>
      expectTrue(core.verifySignature(pool[i].body, pool[i].headers['x-webhook-signature'], SECRET), 'verifySignature'),
  },
  {
    group: 'signature',
    name: '@vobiz-webhooks/core verifySignatureAsync (Web Crypto)',
    setup: () => async (i) =>
      expectTrue(
        await core.verifySignatureAsync(pool[i].body, pool[i].headers['x-webhook-signature'], SECRET),
        'verifySignatureAsync',
      ),
  },
  {
    group: 'signature',
    name: '@octokit/webhooks-methods verify (string)',
    setup: () => async (i) => expectTrue(await octokitVerify(SECRET, texts[i], octokitSignatures[i]), 'octokit verify'),
  },
  {
    group: 'signature',
    name: 'standardwebhooks Webhook#verify (string, its headers)',
    setup: () => (i) => void standard.verify(texts[i], standardHeaders[i]),
  },
];

// BENCH_MICRO_ONLY=pipeline (a substring of a case's group or name) narrows the run, e.g. for --cpu-prof.
const only = process.env.BENCH_MICRO_ONLY;
const cases = only ? allCases.filter((item) => `${item.group} ${item.name}`.includes(only)) : allCases;

async function pass(run) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const pending = run(i);
    if (pending !== undefined) await pending;
  }
  return Number(process.hrtime.bigint() - start) / N;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// Warm-up: every case once, so the JIT has seen every path before anything is timed.
for (const item of cases) await pass(item.setup());
const samples = cases.map(() => []);
// Cases alternate within each run, so a burst of load from elsewhere hits them all alike.
for (let run = 0; run < RUNS; run++) {
  for (const [index, item] of cases.entries()) samples[index].push(await pass(item.setup()));
}
const out = cases.map((item, index) => ({ group: item.group, name: item.name, nsPerOp: median(samples[index]) }));
process.stdout.write(`${JSON.stringify({ n: N, runs: RUNS, bodyBytes: pool[0].body.length, cases: out })}\n`);
