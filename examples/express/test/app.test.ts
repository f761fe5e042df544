import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { memoryDedupeStore } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { createApp, type Seen } from '../src/app';

const SECRET = 'whsec_example_test';
const META = { appSecret: 'meta_app_secret_example_test', verifyToken: 'meta-verify-token-example-test' };

function appWithRecorder() {
  const seen: Seen[] = [];
  const warnings: unknown[][] = [];
  const app = createApp({
    secret: SECRET,
    meta: META,
    store: memoryDedupeStore(),
    record: (entry) => seen.push(entry),
    logger: { warn: (...args) => warnings.push(args), error: (...args) => warnings.push(args) },
  });
  return { app, seen, warnings };
}

describe('examples/express app', () => {
  it('hands each event type to its handler with what is inside', async () => {
    const { app, seen } = appWithRecorder();
    const events = [
      createTestEvent('message.inbound', { messageType: 'text' }),
      createTestEvent('message.status', { status: 'failed' }),
      createTestEvent('call.connect'),
      createTestEvent('call.status_change', { status: 'ACCEPTED' }),
    ];
    for (const event of events) {
      const { body, headers } = signedRequest(event, SECRET);
      const response = await request(app).post('/webhooks/vobiz').set(headers).send(body);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ok: true });
    }
    expect(seen.map((entry) => [entry.eventType, entry.eventId])).toEqual(
      events.map((e) => [e.event_type, e.event_id]),
    );
    expect(seen.map((entry) => entry.lines)).toEqual([
      ['text from 16505551234: "Hola! ¿Tienen envío a Málaga? 🚚"'],
      ['failed for 16505551234 (error 131049)'],
      ['call connect 16505551234 → 15550783881 (ringing)'],
      ['call status ACCEPTED'],
    ]);
  });

  it('reads every message of a batched Meta payload', async () => {
    const { app, seen } = appWithRecorder();
    const one = createTestEvent('message.inbound', { messageType: 'image' });
    const two = createTestEvent('message.inbound', { messageType: 'document' });
    const payload = one.payload as { entry: { changes: unknown[] }[] };
    const other = two.payload as { entry: { changes: unknown[] }[] };
    const batched = { ...one, payload: { ...payload, entry: [...payload.entry, ...other.entry] } };
    const { body, headers } = signedRequest(batched, SECRET);
    expect((await request(app).post('/webhooks/vobiz').set(headers).send(body)).status).toBe(200);
    expect(seen[0]?.lines).toEqual([
      'image from 16505551234: "Foto del pedido"',
      'document from 16505551234: "factura-0042.pdf"',
    ]);
  });

  it('answers a duplicate without running the handler again', async () => {
    const { app, seen } = appWithRecorder();
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    expect((await request(app).post('/webhooks/vobiz').set(headers).send(body)).body).toEqual({ ok: true });
    const again = await request(app).post('/webhooks/vobiz').set(headers).send(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ok: true, duplicate: true });
    expect(seen).toHaveLength(1);
  });

  it('refuses a bad signature with 401 invalid_signature, and logs one diagnosis', async () => {
    const { app, seen, warnings } = appWithRecorder();
    const { body, headers } = signedRequest(createTestEvent('message.status'), 'whsec_other');
    const response = await request(app).post('/webhooks/vobiz').set(headers).send(body);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_signature');
    expect(seen).toHaveLength(0);
    expect(warnings.filter(([first]) => String(first).includes('did not verify'))).toHaveLength(1);
  });

  it('keeps the rest of the app working: other routes pass through, other methods on the path get 405', async () => {
    const { app } = appWithRecorder();
    const health = await request(app).get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ ok: true });
    const get = await request(app).get('/webhooks/vobiz');
    expect(get.status).toBe(405);
    expect(get.body.error.code).toBe('method_not_allowed');
    expect(get.headers.allow).toBe('POST');
  });
});

describe("examples/express app: Meta's Cloud API directly, and Vobiz's earlier envelope", () => {
  const handshake = (verifyToken: string) =>
    request(appWithRecorder().app)
      .get('/webhooks/meta')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '1158201444' });

  it("answers Meta's subscription handshake with the challenge when the verify token is right", async () => {
    const response = await handshake(META.verifyToken);
    expect(response.status).toBe(200);
    expect(response.text).toBe('1158201444');
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('refuses the handshake with 403 when the verify token is wrong', async () => {
    const response = await handshake('not-the-verify-token');
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('verification_failed');
    expect(response.text).not.toContain('1158201444');
  });

  it('hands a delivery signed with the Meta app secret to the same handler as a Vobiz one', async () => {
    const { app, seen } = appWithRecorder();
    const meta = createTestEvent('message.inbound', { format: 'meta' });
    const signed = signedRequest(meta, META.appSecret);
    const response = await request(app).post('/webhooks/meta').set(signed.headers).send(signed.body);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
    expect(seen).toEqual([
      {
        eventType: 'message.inbound',
        eventId: meta.entry[0]!.changes[0]!.value.messages![0]!.id,
        lines: ['text from 16505551234: "Hola! ¿Tienen envío a Málaga? 🚚"'],
      },
    ]);
    const again = await request(app).post('/webhooks/meta').set(signed.headers).send(signed.body);
    expect(again.body).toEqual({ ok: true, duplicate: true });
    expect(seen).toHaveLength(1);
  });

  it('refuses a Meta delivery signed with the Vobiz secret: each route has its own secret', async () => {
    const { app, seen } = appWithRecorder();
    const signed = signedRequest(createTestEvent('message.inbound', { format: 'meta' }), SECRET);
    const response = await request(app).post('/webhooks/meta').set(signed.headers).send(signed.body);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_signature');
    expect(seen).toHaveLength(0);
  });

  it("hands a delivery in Vobiz's earlier envelope (message.received) to the message.inbound handler", async () => {
    const { app, seen } = appWithRecorder();
    const legacy = createTestEvent('message.received', { format: 'vobiz-legacy' });
    const signed = signedRequest(legacy, SECRET);
    expect(signed.headers).toHaveProperty('x-vobiz-signature');
    const response = await request(app).post('/webhooks/vobiz').set(signed.headers).send(signed.body);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true });
    expect(seen).toEqual([
      {
        eventType: 'message.inbound',
        eventId: legacy.event_id,
        // The earlier envelope's `from`, as Vobiz sent it.
        lines: [`text from ${legacy.data['from']}: "Hola! ¿Tienen envío a Málaga? 🚚"`],
      },
    ]);
  });

  it('leaves /webhooks/meta to the rest of the app when no Meta settings are given', async () => {
    const app = createApp({ secret: SECRET, logger: false, record: () => undefined });
    expect((await request(app).get('/webhooks/meta').query({ 'hub.mode': 'subscribe' })).status).toBe(404);
  });
});

describe('pnpm demo', () => {
  const exampleDir = join(__dirname, '..');
  const builds = ['packages/core/dist/index.js', 'packages/express/dist/index.js', 'packages/cli/dist/index.js'];

  it('runs the example through the CLI send path and exits 0 with every answer as expected', async () => {
    const missing = builds.filter((file) => !existsSync(join(exampleDir, '..', '..', file)));
    if (missing.length > 0)
      throw new Error(
        `the demo runs on the built packages; run \`pnpm build\` first (missing: ${missing.join(', ')}).`,
      );

    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        // What `pnpm demo` runs after `pnpm build`: tsx on the source, the packages from their builds.
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo.ts'], {
          cwd: exampleDir,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
        child.on('error', reject);
        child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('8 of 8 answers as expected.');
    expect(stdout).toMatch(
      /Meta's Cloud API, received directly by the same handlers: http:\/\/127\.0\.0\.1:\d+\/webhooks\/meta/,
    );
    expect(stdout).toMatch(/message\.inbound \(text\)\s+200 ok\s+✓\s+text from 16505551234/);
    expect(stdout).toMatch(/duplicate of #1.*200 duplicate\s+✓\s+\(not called again\)/);
    expect(stdout).toMatch(/body changed after signing\s+401 invalid_signature\s+✓\s+\(not called\)/);
    expect(stdout).toMatch(/wrong secret\s+401 invalid_signature\s+✓\s+\(not called\)/);
    expect(stdout).not.toContain('whsec_demo_local_only');
  }, 120_000);
});
