import Fastify, { type FastifyInstance } from 'fastify';
import fastifyRawBody from 'fastify-raw-body';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import type { VobizEvent } from '@vobiz-webhooks/core';
import { vobizWebhook } from '@vobiz-webhooks/fastify';
import { inject, overHttp, serve } from './support/target';

const SECRET = 'whsec_fastify_encapsulation';
const ORDER = { id: 42, items: [{ sku: 'tea', qty: 2 }], note: 'sin azúcar' };

/** The webhook beside an ordinary JSON route, registered the documented way. */
async function appWithOrders(handled: VobizEvent[] = [], setup?: (app: FastifyInstance) => Promise<void>) {
  const app = Fastify({ logger: false });
  await setup?.(app);
  await app.register(vobizWebhook, { secret: SECRET, logger: false, on: { '*': (event) => void handled.push(event) } });
  app.post('/api/orders', async (request) => ({ received: request.body }));
  await app.ready();
  return app;
}

const postOrder = (app: FastifyInstance, payload: string, contentType = 'application/json') =>
  app.inject({ method: 'POST', url: '/api/orders', headers: { 'content-type': contentType }, payload });

describe('the app keeps its own body parsing', () => {
  it("another route's JSON body is parsed as usual, through inject and over HTTP", async () => {
    const handled: VobizEvent[] = [];
    const app = await appWithOrders(handled);
    const injected = await postOrder(app, JSON.stringify(ORDER));
    expect([injected.statusCode, injected.json()]).toEqual([200, { received: ORDER }]);

    const served = await serve(app);
    try {
      const overSocket = await overHttp(served.origin, {
        path: '/api/orders',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ORDER),
      });
      expect([overSocket.status, overSocket.body]).toEqual([200, { received: ORDER }]);
      const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
      const delivered = await overHttp(served.origin, { headers, body });
      expect([delivered.status, delivered.body]).toEqual([200, { ok: true }]);
      expect(handled).toHaveLength(1);
    } finally {
      await served.close();
    }
  });

  it("another route's bad JSON still gets Fastify's own 400, and text/plain its own parser", async () => {
    const app = await appWithOrders();
    const bad = await postOrder(app, '{"id":');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    const text = await postOrder(app, 'hola', 'text/plain');
    expect([text.statusCode, text.json()]).toEqual([200, { received: 'hola' }]);
    const form = await postOrder(app, 'a=1', 'application/x-www-form-urlencoded');
    expect(form.statusCode).toBe(415);
  });

  it("the app's error handler never sees a refusal, but still answers its own routes", async () => {
    const seen: string[] = [];
    const app = await appWithOrders([], async (root) => {
      root.setErrorHandler(async (error, _request, reply) => {
        seen.push(String((error as { code?: string }).code));
        return reply.code(418).send({ mine: true });
      });
    });
    const oversized = await app.inject({
      method: 'POST',
      url: '/webhooks/vobiz',
      headers: { 'content-type': 'application/json' },
      payload: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json().error.code).toBe('payload_too_large');
    const bad = await postOrder(app, '{"id":');
    expect([bad.statusCode, bad.json()]).toEqual([418, { mine: true }]);
    expect(seen).toEqual(['FST_ERR_CTP_INVALID_JSON_BODY']);
  });

  it("an app hook that throws on the webhook path is answered by the app's error handler", async () => {
    const app = await appWithOrders([], async (root) => {
      root.addHook('onRequest', async (request) => {
        if (request.headers['x-blocked'] === 'yes') throw Object.assign(new Error('blocked'), { statusCode: 403 });
      });
    });
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const blocked = await inject(app, { headers: { ...headers, 'x-blocked': 'yes' }, body });
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ statusCode: 403, message: 'blocked' });
  });

  it('two registrations serve two paths with their own secrets and handlers', async () => {
    const first: VobizEvent[] = [];
    const second: VobizEvent[] = [];
    const app = Fastify({ logger: false });
    await app.register(vobizWebhook, { secret: 'whsec_one', logger: false, on: { '*': (e) => void first.push(e) } });
    await app.register(vobizWebhook, {
      secret: 'whsec_two',
      logger: false,
      path: '/webhooks/other',
      on: { '*': (e) => void second.push(e) },
    });
    const one = signedRequest(createTestEvent('message.inbound'), 'whsec_one');
    const two = signedRequest(createTestEvent('message.status'), 'whsec_two');
    expect((await inject(app, one)).status).toBe(200);
    expect((await inject(app, { ...two, path: '/webhooks/other' })).status).toBe(200);
    expect((await inject(app, { ...two, path: '/webhooks/vobiz' })).status).toBe(401);
    expect([first.length, second.length]).toEqual([1, 1]);
    await app.close();
  });
});

describe('mounting under a prefix', () => {
  it('serves prefix + path, and nothing at the bare path', async () => {
    const app = Fastify({ logger: false });
    await app.register(vobizWebhook, { secret: SECRET, logger: false, on: {}, prefix: '/hooks' });
    await app.register(vobizWebhook, { secret: SECRET, logger: false, on: {}, prefix: '/vobiz', path: '/' });
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    expect((await inject(app, { headers, body, path: '/hooks/webhooks/vobiz' })).status).toBe(200);
    expect((await inject(app, { headers, body, path: '/vobiz' })).body).toEqual({ ok: true });
    expect((await inject(app, { headers, body, path: '/webhooks/vobiz' })).status).toBe(404);
    await app.close();
  });
});

describe('trailing slash', () => {
  it("follows the app's router: answered at path/ only with ignoreTrailingSlash", async () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const strict = Fastify({ logger: false });
    await strict.register(vobizWebhook, { secret: SECRET, logger: false, on: {} });
    expect((await inject(strict, { headers, body, path: '/webhooks/vobiz/' })).status).toBe(404);
    const lenient = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
    await lenient.register(vobizWebhook, { secret: SECRET, logger: false, on: {} });
    expect((await inject(lenient, { headers, body, path: '/webhooks/vobiz/' })).body).toEqual({ ok: true });
  });
});

describe('beside fastify-raw-body', () => {
  // A body that is not valid UTF-8, signed over its bytes: decoded to text and back (fastify-raw-body's
  // default `encoding: 'utf8'`) it would no longer verify. The webhook keeps the bytes Fastify read.
  const event = createTestEvent('message.inbound');
  const [before, after] = JSON.stringify(event).split(event.account_id) as [string, string];
  const invalidUtf8 = Buffer.concat([Buffer.from(before), Buffer.from([0x4d, 0xff, 0x41]), Buffer.from(after)]);

  for (const global of [true, false]) {
    it(`global: ${global} leaves the webhook on the exact bytes, and other routes get their rawBody`, async () => {
      const app = await appWithOrders([], async (root) => {
        await root.register(fastifyRawBody, { global, encoding: 'utf8', runFirst: true });
        root.post('/api/raw', { config: { rawBody: true } }, async (request) => ({
          raw: request.rawBody,
          parsed: request.body,
        }));
      });
      const { headers } = signedRequest(invalidUtf8, SECRET);
      expect((await inject(app, { headers, body: invalidUtf8 })).body).toEqual({ ok: true });
      const raw = await app.inject({
        method: 'POST',
        url: '/api/raw',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(ORDER),
      });
      expect(raw.json()).toEqual({ raw: JSON.stringify(ORDER), parsed: ORDER });
      expect((await postOrder(app, JSON.stringify(ORDER))).json()).toEqual({ received: ORDER });
      await app.close();
    });
  }

  it("with encoding: false (an app-wide JSON parser) the webhook's own parser still wins", async () => {
    const app = await appWithOrders([], async (root) => {
      await root.register(fastifyRawBody, { global: true, encoding: false });
    });
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    expect((await inject(app, { headers, body })).body).toEqual({ ok: true });
    expect((await postOrder(app, JSON.stringify(ORDER))).json()).toEqual({ received: ORDER });
    await app.close();
  });
});
