import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { signPayloadAsync, type MetaObject, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { metaWebhook, vobizMiddleware, vobizWebhook } from '@vobiz-webhooks/hono';

// Inside the Edge runtime VM (Web Crypto, no Node built-ins), as on Workers, Deno and Bun.
const SECRET = 'whsec_hono_edge_test';
const META_SECRET = 'meta_app_secret_hono_edge';

test('a Web Crypto signed delivery is verified through app.fetch, and a forged one refused', async () => {
  const app = new Hono().post('/webhooks/vobiz', vobizWebhook({ secret: SECRET, logger: false, on: {} }));
  const body = JSON.stringify(createTestEvent('message.inbound'));
  const send = async (secret: string) =>
    app.fetch(
      new Request('https://worker.example/webhooks/vobiz', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-signature': await signPayloadAsync(body, secret) },
        body,
      }),
    );
  expect((await send(SECRET)).status).toBe(200);
  expect((await send('whsec_forger')).status).toBe(401);
});

test("metaWebhook through app.fetch: Meta's handshake, a Web Crypto signed delivery per item, its duplicate", async () => {
  const seen: VobizEvent[] = [];
  const app = new Hono().on(
    ['GET', 'POST'],
    '/webhooks/meta',
    metaWebhook({
      appSecret: META_SECRET,
      verifyToken: 'edge-verify',
      logger: false,
      on: { '*': (e) => void seen.push(e) },
    }),
  );
  const handshake = (token: string) =>
    app.fetch(
      new Request(
        `https://worker.example/webhooks/meta?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=edge-challenge`,
      ),
    );
  const right = await handshake('edge-verify');
  expect([right.status, await right.text(), right.headers.get('content-type')]).toEqual([
    200,
    'edge-challenge',
    'text/plain; charset=utf-8',
  ]);
  expect((await handshake('wrong')).status).toBe(403);

  const inbound = createTestEvent('message.inbound', { format: 'meta' });
  const status = createTestEvent('message.status', { format: 'meta' });
  const batch: MetaObject = { object: 'whatsapp_business_account', entry: [...inbound.entry, ...status.entry] };
  const body = JSON.stringify(batch);
  const deliver = async (secret: string) =>
    app.fetch(
      new Request('https://worker.example/webhooks/meta', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': `sha256=${await signPayloadAsync(body, secret)}`,
        },
        body,
      }),
    );
  expect(await (await deliver(META_SECRET)).json()).toEqual({ ok: true });
  expect(await (await deliver(META_SECRET)).json()).toEqual({ ok: true, duplicate: true });
  expect((await deliver('forger')).status).toBe(401);
  expect(seen.map((e) => [e.event_type, e.source])).toEqual([
    ['message.inbound', 'meta'],
    ['message.status', 'meta'],
  ]);
});

test('the adapter imports nothing from node:', () => {
  const source = readFileSync(join(__dirname, '..', 'src', 'index.ts'), 'utf8');
  expect(source).not.toMatch(/from ['"](node:|crypto|buffer|stream)/);
});

test('with a Content-Length, the body is read once and still readable by what runs after the middleware', async () => {
  const later: string[] = [];
  const app = new Hono();
  app.use(vobizMiddleware({ secret: SECRET, logger: false, on: {} }));
  app.post('/webhooks/vobiz', async (c) => {
    later.push(await c.req.text(), JSON.stringify(await c.req.json()));
    return c.body(null, 204);
  });
  const body = JSON.stringify(createTestEvent('message.inbound'));
  const answer = await app.fetch(
    new Request('https://worker.example/webhooks/vobiz', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(new TextEncoder().encode(body).byteLength),
        'x-webhook-signature': await signPayloadAsync(body, SECRET),
      },
      body,
    }),
  );
  expect(answer.status).toBe(200);
  expect(later).toEqual([body, body]);
});
