// End to end: `next build` of this example against the BUILT packages (the root
// `pnpm test` runs `pnpm build` first), `next start` on a free loopback port, and
// signed deliveries over real HTTP to the Node.js route, the Edge route, the
// Pages Router routes, Meta's route, and the queued route with a worker in this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bullmqQueue, createWorker, type VobizEventWorker } from '@vobiz-webhooks/bullmq';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { deleteKeys, describeWithRedis, REDIS_URL } from '@vobiz-webhooks/test-suites';
import { queuedHandlers } from '../lib/queued-handlers';

const EXAMPLE_DIR = join(__dirname, '..');
const PACKAGES_DIR = join(EXAMPLE_DIR, '..', '..', 'packages');
const NEXT_BIN = createRequire(join(EXAMPLE_DIR, 'package.json')).resolve('next/dist/bin/next');
const SECRET = 'whsec_example_next_e2e';
const META_APP_SECRET = 'meta_app_secret_example_next_e2e';
const META_VERIFY_TOKEN = 'meta-verify-token-example-next-e2e';
const BUILD_TIMEOUT_MS = 10 * 60_000;
const START_TIMEOUT_MS = 2 * 60_000;
// Its own queue, so a run never takes another run's jobs; its keys are deleted afterwards.
const QUEUE_NAME = `vobiz-webhooks-test-example-next-${randomUUID()}`;

const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  VOBIZ_WEBHOOK_SECRET: SECRET,
  META_APP_SECRET,
  META_VERIFY_TOKEN,
  EXAMPLE_EXPOSE_RECEIVED: '1',
  NODE_ENV: 'production',
  REDIS_URL,
  VOBIZ_QUEUE_NAME: QUEUE_NAME,
};

interface Received {
  event_id: string;
  event_type: string;
  runtime: string;
  items: string[];
}

/** Runs `next <args>` to completion; rejects with its output when it fails. */
function runNext(args: string[], childEnv: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT_BIN, ...args], {
      cwd: EXAMPLE_DIR,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`next ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

/** Starts `next start` on a free port (port 0) and resolves with its base URL once it listens. */
function startNext(): Promise<{ child: ChildProcess; baseUrl: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so afterAll can stop it and anything it forked, by id.
    const child = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', '0'], {
      cwd: EXAMPLE_DIR,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`next start did not report a URL in time:\n${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Local:\s+(http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1].replace('localhost', '127.0.0.1') });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`next start exited ${code}:\n${output}`));
    });
  });
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      resolve(); // Already gone between the check and the signal.
    }
  });
}

let server: { child: ChildProcess; baseUrl: string } | undefined;

beforeAll(async () => {
  for (const pkg of ['core', 'next', 'bullmq']) {
    if (!existsSync(join(PACKAGES_DIR, pkg, 'dist', 'index.js'))) {
      throw new Error(
        `packages/${pkg} is not built: this test serves the built packages. Run \`pnpm build\` (the root \`pnpm test\` does).`,
      );
    }
  }
  // Built WITHOUT the secrets, as CI pipelines and Docker images usually are: the
  // adapter defers its option check during `next build`.
  const { VOBIZ_WEBHOOK_SECRET: _secret, META_APP_SECRET: _app, META_VERIFY_TOKEN: _token, ...buildEnv } = env;
  await runNext(['build'], buildEnv);
  server = await startNext();
}, BUILD_TIMEOUT_MS + START_TIMEOUT_MS);

afterAll(async () => {
  await stop(server?.child);
});

async function deliver(route: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${server!.baseUrl}${route}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: JSON.parse(text) };
}

/** Signs and delivers `event` to `route`, and expects it acknowledged as handled. */
async function expectHandled(route: string, event: { event_type: string }): Promise<void> {
  const { body, headers } = signedRequest(event, SECRET);
  const answer = await deliver(route, body, headers);
  expect({ type: event.event_type, status: answer.status, body: answer.body }).toEqual({
    type: event.event_type,
    status: 200,
    body: { ok: true },
  });
  expect(answer.contentType).toMatch(/^application\/json/);
}

/** What `route`'s GET lists from here on: call it before sending, await the result after. */
async function receivedAfter(route: string): Promise<() => Promise<Received[]>> {
  const before = (await receivedAt(route)).length;
  return async () => (await receivedAt(route)).slice(before);
}

async function receivedAt(route: string): Promise<Received[]> {
  const response = await fetch(`${server!.baseUrl}${route}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { received: Received[] }).received;
}

/** One signed delivery of every event type, in both payload shapes and with several kinds inside. */
const deliveries = () => [
  { event: createTestEvent('message.inbound'), items: ['message:text'] },
  { event: createTestEvent('message.inbound', { messageType: 'image', shape: 'value' }), items: ['message:image'] },
  { event: createTestEvent('message.inbound', { messageType: 'interactive' }), items: ['message:interactive'] },
  { event: createTestEvent('message.status', { status: 'read' }), items: ['status:read'] },
  { event: createTestEvent('message.status', { status: 'played', shape: 'value' }), items: ['status:played'] },
  { event: createTestEvent('call.connect'), items: ['call:connect'] },
  { event: createTestEvent('call.terminate'), items: ['call:terminate'] },
  { event: createTestEvent('call.status_change', { status: 'RINGING' }), items: ['status:RINGING'] },
];

describe.each([
  { route: '/api/webhooks/vobiz', runtime: 'nodejs', recordsUnknownTypes: false },
  { route: '/api/webhooks/vobiz-edge', runtime: 'edge', recordsUnknownTypes: true },
  { route: '/api/webhooks/vobiz-pages', runtime: 'nodejs', recordsUnknownTypes: true },
])('examples/next $route ($runtime runtime), built and served', ({ route, runtime, recordsUnknownTypes }) => {
  it('answers signed deliveries, duplicates, forgeries and tampering as the contract says, and the handlers saw exactly the accepted events', async () => {
    const before = await receivedAt(route);
    const sent = deliveries();
    for (const { event } of sent) await expectHandled(route, event);

    // An event type this library does not know yet: acknowledged; only a '*' handler sees it.
    const future = createTestEvent('template.status_update');
    const futureSigned = signedRequest(future, SECRET);
    expect(await deliver(route, futureSigned.body, futureSigned.headers)).toMatchObject({
      status: 200,
      body: { ok: true },
    });

    // Vobiz retries: the same delivery again is acknowledged without a second handler call.
    const first = sent[0]!.event;
    const again = signedRequest(first, SECRET);
    expect(await deliver(route, again.body, again.headers)).toMatchObject({
      status: 200,
      body: { ok: true, duplicate: true },
    });

    // Forged: signed with another secret.
    const forged = signedRequest(createTestEvent('message.inbound'), 'whsec_not_the_secret');
    const forgedAnswer = await deliver(route, forged.body, forged.headers);
    expect(forgedAnswer.status).toBe(401);
    expect(forgedAnswer.body.error.code).toBe('invalid_signature');

    // Tampered: a valid signature over different bytes.
    const tamperedEvent = createTestEvent('message.status', { status: 'delivered' });
    const tampered = signedRequest(tamperedEvent, SECRET);
    const tamperedAnswer = await deliver(route, tampered.body.replace('delivered', 'read'), tampered.headers);
    expect(tamperedAnswer.status).toBe(401);
    expect(tamperedAnswer.body.error.code).toBe('invalid_signature');

    // Unsigned.
    const unsigned = await deliver(route, JSON.stringify(createTestEvent('call.connect')), {
      'content-type': 'application/json',
    });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.code).toBe('missing_signature');

    const expected: Received[] = sent.map(({ event, items }) => ({
      event_id: event.event_id,
      event_type: event.event_type,
      runtime,
      items,
    }));
    if (recordsUnknownTypes)
      expected.push({ event_id: future.event_id, event_type: future.event_type, runtime, items: [] });
    const seen = (await receivedAt(route)).slice(before.length);
    expect(seen).toEqual(expected);
  }, 60_000);

  it("hands a delivery in Vobiz's earlier envelope (X-Vobiz-Signature) to the same handler as the current one", async () => {
    const seen = await receivedAfter(route);
    const legacy = createTestEvent('message.received', { format: 'vobiz-legacy' });
    const { body, headers } = signedRequest(legacy, SECRET);
    expect(await deliver(route, body, headers)).toMatchObject({ status: 200, body: { ok: true } });
    expect(await seen()).toEqual([
      { event_id: legacy.event_id, event_type: 'message.inbound', runtime, items: ['message:text'] },
    ]);
  }, 60_000);
});

describe("examples/next /webhooks/meta (Meta's Cloud API directly), built and served", () => {
  const route = '/webhooks/meta';
  // The route shares the handlers of /api/webhooks/vobiz (lib/handlers.ts), whose GET lists what they saw.
  const listing = '/api/webhooks/vobiz';

  async function handshake(verifyToken: string) {
    const query = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': verifyToken,
      'hub.challenge': '1158201444',
    });
    const response = await fetch(`${server!.baseUrl}${route}?${query}`);
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  it('answers the subscription handshake with the challenge when the verify token is right', async () => {
    expect(await handshake(META_VERIFY_TOKEN)).toEqual({
      status: 200,
      contentType: expect.stringMatching(/^text\/plain/),
      text: '1158201444',
    });
  }, 60_000);

  it('refuses the handshake with 403 verification_failed when the verify token is wrong', async () => {
    const answer = await handshake('not-the-verify-token');
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text).error.code).toBe('verification_failed');
  }, 60_000);

  it('hands a delivery signed with the App Secret to the same handlers as the Vobiz route, once', async () => {
    const seen = await receivedAfter(listing);
    const inbound = createTestEvent('message.inbound', { format: 'meta' });
    const status = createTestEvent('message.status', { format: 'meta', status: 'read' });
    for (const event of [inbound, status]) {
      const { body, headers } = signedRequest(event, META_APP_SECRET);
      expect(await deliver(route, body, headers)).toEqual({
        status: 200,
        contentType: expect.stringMatching(/^application\/json/),
        body: { ok: true },
      });
    }

    // Meta retries: the same delivery again is acknowledged without a second handler call.
    const again = signedRequest(inbound, META_APP_SECRET);
    expect(await deliver(route, again.body, again.headers)).toMatchObject({
      status: 200,
      body: { ok: true, duplicate: true },
    });

    // Signed with the Vobiz secret instead of the App Secret: refused.
    const forged = signedRequest(createTestEvent('message.inbound', { format: 'meta' }), SECRET);
    const forgedAnswer = await deliver(route, forged.body, forged.headers);
    expect(forgedAnswer.status).toBe(401);
    expect(forgedAnswer.body.error.code).toBe('invalid_signature');

    const message = inbound.entry[0]!.changes[0]!.value.messages![0]!;
    const read = status.entry[0]!.changes[0]!.value.statuses![0]!;
    expect(await seen()).toEqual([
      { event_id: message.id, event_type: 'message.inbound', runtime: 'nodejs', items: ['message:text'] },
      { event_id: `${read.id}:read`, event_type: 'message.status', runtime: 'nodejs', items: ['status:read'] },
    ]);
  }, 60_000);
});

describe('examples/next Pages Router route with Next.js body parser left on', () => {
  it('answers 500 raw_body_unavailable naming the exact config line to add', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const answer = await deliver('/api/misconfigured/body-parser-on', body, headers);
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('raw_body_unavailable');
    expect(answer.body.error.message).toContain('export const config = { api: { bodyParser: false } }');
  }, 60_000);
});

describeWithRedis('examples/next /api/webhooks/vobiz-queued (queue mode), built and served', () => {
  const route = '/api/webhooks/vobiz-queued';
  const handled: Received[] = [];
  let worker: VobizEventWorker | undefined;

  beforeAll(() => {
    // The worker a deployment runs beside `next start` (worker.ts), here in the test process.
    worker = createWorker({
      connection: { url: REDIS_URL, maxRetriesPerRequest: null },
      name: QUEUE_NAME,
      logger: false,
      on: queuedHandlers((summary) => void handled.push(summary)),
    });
  });

  afterAll(async () => {
    await worker?.close();
    const admin = bullmqQueue({ connection: REDIS_URL, name: QUEUE_NAME, logger: false });
    try {
      await admin.queue.obliterate({ force: true });
    } finally {
      await admin.close();
      await deleteKeys(`bull:${QUEUE_NAME}:`);
    }
  });

  /** What the worker handled, once it has handled `count` events (or the test fails after `timeoutMs`). */
  async function handledCount(count: number, timeoutMs = 20_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (handled.length < count) {
      if (Date.now() > deadline) throw new Error(`the worker handled ${handled.length} of ${count} events in time`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return handled;
  }

  it('answers 200 once the event is queued; the worker runs the typed handlers, each event once', async () => {
    const sent = [
      { event: createTestEvent('message.inbound'), items: ['message:text'] },
      { event: createTestEvent('message.status', { status: 'read', shape: 'value' }), items: ['status:read'] },
      { event: createTestEvent('call.terminate'), items: ['call:terminate'] },
    ];
    for (const { event } of sent) await expectHandled(route, event);

    // Vobiz retries: the same delivery again is acknowledged and not queued a second time.
    const again = signedRequest(sent[0]!.event, SECRET);
    expect(await deliver(route, again.body, again.headers)).toMatchObject({
      status: 200,
      body: { ok: true, duplicate: true },
    });

    // Forged: refused before anything reaches the queue.
    const forgedEvent = createTestEvent('message.inbound');
    const forged = signedRequest(forgedEvent, 'whsec_not_the_secret');
    const forgedAnswer = await deliver(route, forged.body, forged.headers);
    expect(forgedAnswer.status).toBe(401);
    expect(forgedAnswer.body.error.code).toBe('invalid_signature');

    const expected = sent.map(({ event, items }) => ({
      event_id: event.event_id,
      event_type: event.event_type,
      runtime: 'worker',
      items,
    }));
    const seen = await handledCount(sent.length);
    expect([...seen].sort((a, b) => a.event_id.localeCompare(b.event_id))).toEqual(
      expected.sort((a, b) => a.event_id.localeCompare(b.event_id)),
    );

    // One job per event: the duplicate and the forgery were never queued.
    const admin = bullmqQueue({ connection: REDIS_URL, name: QUEUE_NAME, logger: false });
    try {
      // A handler's return comes a moment before its job is marked completed.
      const deadline = Date.now() + 10_000;
      let counts = await admin.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      while (counts.completed !== sent.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        counts = await admin.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      }
      expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, completed: sent.length, failed: 0 });
    } finally {
      await admin.close();
    }
    expect(handled).toHaveLength(sent.length);
  }, 60_000);
});
