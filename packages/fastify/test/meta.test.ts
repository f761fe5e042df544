import Fastify, { type FastifyInstance } from 'fastify';
import type { VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { metaWebhook, vobizWebhook, type MetaFastifyOptions } from '@vobiz-webhooks/fastify';
import { expectOk, expectRefusal, threeItemMetaBody } from '@vobiz-webhooks/test-suites';
import { inject, overHttp, serve } from './support/target';

const APP_SECRET = 'meta_app_secret_fastify_test';
const VERIFY_TOKEN = 'verify-token-fastify-test';
const PATH = '/webhooks/meta';
const ORDER = { id: 42, items: [{ sku: 'tea', qty: 2 }] };

const handshake = (path = PATH, token = VERIFY_TOKEN, challenge = 'challenge-1158201444') =>
  `${path}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=${challenge}`;

const batch = threeItemMetaBody;

const delivery = (body: object, path = PATH, secret = APP_SECRET) => ({ path, ...signedRequest(body, secret) });

async function metaApp(seen: VobizEvent[] = [], extra: Partial<MetaFastifyOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(metaWebhook, {
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    logger: false,
    on: { '*': (event) => void seen.push(event) },
    ...extra,
  } as MetaFastifyOptions);
  app.post('/api/orders', async (request) => ({ received: request.body }));
  await app.ready();
  return app;
}

describe('app.register(metaWebhook, { appSecret, verifyToken, on })', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  it("answers Meta's handshake with the challenge as plain text, through inject and over HTTP", async () => {
    app = await metaApp();
    const injected = await app.inject({ method: 'GET', url: handshake() });
    expect([injected.statusCode, injected.body]).toEqual([200, 'challenge-1158201444']);
    expect(injected.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(injected.headers['x-content-type-options']).toBe('nosniff');

    const served = await serve(app);
    const overSocket = await overHttp(served.origin, { method: 'GET', path: handshake(PATH, VERIFY_TOKEN, 'abc') });
    expect([overSocket.status, overSocket.body]).toEqual([200, 'abc']);
    expectRefusal(
      await overHttp(served.origin, { method: 'GET', path: handshake(PATH, 'wrong') }),
      403,
      'verification_failed',
    );
  });

  it('refuses a wrong verify token 403, a missing challenge 400, a GET without hub.mode 405', async () => {
    app = await metaApp();
    expectRefusal(await inject(app, { method: 'GET', path: handshake(PATH, 'wrong') }), 403, 'verification_failed');
    expectRefusal(
      await inject(app, { method: 'GET', path: `${PATH}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}` }),
      400,
      'invalid_challenge',
    );
    const bare = await inject(app, { method: 'GET', path: PATH });
    expectRefusal(bare, 405, 'method_not_allowed');
    expect(bare.headers.allow).toBe('GET, POST');
  });

  it('handles a signed delivery once per item, and its redelivery as a duplicate', async () => {
    const seen: VobizEvent[] = [];
    app = await metaApp(seen);
    const body = batch();
    expectOk(await inject(app, delivery(body)));
    expect(seen.map((e) => [e.event_type, e.source])).toEqual([
      ['message.inbound', 'meta'],
      ['message.status', 'meta'],
      ['message.inbound', 'meta'],
    ]);
    expect(new Set(seen.map((e) => e.event_id)).size).toBe(3);
    expectOk(await inject(app, delivery(body)), true);
    expectRefusal(await inject(app, delivery(batch(), PATH, 'not_the_app_secret')), 401, 'invalid_signature');
    expect(seen).toHaveLength(3);
  });

  it('answers 405 with Allow: GET, POST for the other methods on the path', async () => {
    app = await metaApp();
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
      const response = await app.inject({ method: method as 'PUT', url: PATH });
      expect([method, response.statusCode, response.headers.allow]).toEqual([method, 405, 'GET, POST']);
    }
  });

  it("leaves the app's other routes their JSON parsing", async () => {
    app = await metaApp();
    const order = await app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(ORDER),
    });
    expect([order.statusCode, order.json()]).toEqual([200, { received: ORDER }]);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: { 'content-type': 'application/json' },
      payload: '{"id":',
    });
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
  });

  it('serves prefix + path under a register prefix, and options.path when given', async () => {
    const seen: VobizEvent[] = [];
    app = Fastify({ logger: false });
    const common = { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, logger: false as const };
    await app.register(metaWebhook, { ...common, on: { '*': (e) => void seen.push(e) }, prefix: '/hooks' });
    await app.register(metaWebhook, { ...common, on: { '*': (e) => void seen.push(e) }, prefix: '/v2', path: '/wa' });
    const prefixed = await app.inject({ method: 'GET', url: handshake('/hooks/webhooks/meta') });
    expect([prefixed.statusCode, prefixed.body]).toEqual([200, 'challenge-1158201444']);
    expectOk(await inject(app, delivery(batch(), '/hooks/webhooks/meta')));
    expect((await app.inject({ method: 'GET', url: handshake('/v2/wa', VERIFY_TOKEN, 'x') })).body).toBe('x');
    expectOk(await inject(app, delivery(batch(), '/v2/wa')));
    expect((await inject(app, delivery(batch(), PATH))).status).toBe(404);
    expect(seen).toHaveLength(6);
  });

  it('sits beside vobizWebhook in one app, each answering its own source', async () => {
    const meta: VobizEvent[] = [];
    const vobiz: VobizEvent[] = [];
    app = Fastify({ logger: false });
    await app.register(vobizWebhook, { secret: 'whsec_beside', logger: false, on: { '*': (e) => void vobiz.push(e) } });
    await app.register(metaWebhook, {
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
      logger: false,
      on: { '*': (e) => void meta.push(e) },
    });
    const vobizEvent = createTestEvent('message.inbound');
    expectOk(await inject(app, signedRequest(vobizEvent, 'whsec_beside')));
    expectOk(await inject(app, delivery(batch())));
    expect((await app.inject({ method: 'GET', url: handshake() })).statusCode).toBe(200);
    // Each path takes its own signature header only.
    expectRefusal(await inject(app, delivery(batch(), '/webhooks/vobiz')), 401, 'missing_signature');
    expectRefusal(
      await inject(app, { ...signedRequest(vobizEvent, 'whsec_beside'), path: PATH }),
      401,
      'missing_signature',
    );
    expect(vobiz.map((e) => [e.event_id, e.source])).toEqual([[vobizEvent.event_id, 'vobiz']]);
    expect(meta.map((e) => e.source)).toEqual(['meta', 'meta', 'meta']);
  });
});
