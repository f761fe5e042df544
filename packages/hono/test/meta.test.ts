import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import request from 'supertest';
import type { MetaWebhookOptions, VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { metaMiddleware, metaWebhook, vobizWebhook, type VobizVariables } from '@vobiz-webhooks/hono';
import { expectOk, expectRefusal, toDeliveryResponse, threeItemMetaBody } from '@vobiz-webhooks/test-suites';

const APP_SECRET = 'meta_app_secret_hono_test';
const VERIFY_TOKEN = 'verify-token-hono-test';
const PATH = '/webhooks/meta';

function options(seen: VobizEvent[] = [], extra: Partial<MetaWebhookOptions> = {}): MetaWebhookOptions {
  return {
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    logger: false,
    on: { '*': (event) => void seen.push(event) },
    ...extra,
  } as MetaWebhookOptions;
}

const handshake = (path = PATH, token = VERIFY_TOKEN, challenge = 'challenge-1158201444') =>
  `${path}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=${challenge}`;

const batch = threeItemMetaBody;

const post = async (app: Hono<any>, body: object, path = PATH, secret = APP_SECRET) => {
  const signed = signedRequest(body, secret);
  return toDeliveryResponse(await app.request(`http://localhost${path}`, { method: 'POST', ...signed }));
};
const get = async (app: Hono<any>, path: string) => toDeliveryResponse(await app.request(`http://localhost${path}`));

describe('metaWebhook: a handler on a route', () => {
  it("on app.on(['GET', 'POST']), answers the handshake as plain text and refuses a wrong token", async () => {
    const app = new Hono().on(['GET', 'POST'], PATH, metaWebhook(options()));
    const answer = await app.request(handshake());
    expect([answer.status, await answer.text()]).toEqual([200, 'challenge-1158201444']);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expectRefusal(await get(app, handshake(PATH, 'wrong')), 403, 'verification_failed');
    expectRefusal(await get(app, handshake(PATH, VERIFY_TOKEN, '')), 400, 'invalid_challenge');
    // Not routed: Hono's own 404.
    expect((await app.request(PATH, { method: 'PUT' })).status).toBe(404);
  });

  it('handles a signed delivery once per item, and its redelivery as a duplicate', async () => {
    const seen: VobizEvent[] = [];
    const app = new Hono().on(['GET', 'POST'], PATH, metaWebhook(options(seen)));
    const body = batch();
    expectOk(await post(app, body));
    expect(seen.map((e) => [e.event_type, e.source])).toEqual([
      ['message.inbound', 'meta'],
      ['message.status', 'meta'],
      ['message.inbound', 'meta'],
    ]);
    expect(new Set(seen.map((e) => e.event_id)).size).toBe(3);
    expectOk(await post(app, body), true);
    expectRefusal(await post(app, batch(), PATH, 'not_the_app_secret'), 401, 'invalid_signature');
    expect(seen).toHaveLength(3);
  });

  it('on app.all, other methods and a GET without hub.mode get the JSON 405 with Allow: GET, POST', async () => {
    const app = new Hono().all('/custom/meta', metaWebhook(options()));
    for (const method of ['PUT', 'DELETE', 'GET']) {
      const answer = await toDeliveryResponse(await app.request('/custom/meta', { method }));
      expectRefusal(answer, 405, 'method_not_allowed');
      expect(answer.headers.allow).toBe('GET, POST');
    }
    expect((await app.request(handshake('/custom/meta', VERIFY_TOKEN, 'ok'))).status).toBe(200);
  });

  it('answers real HTTP on @hono/node-server, the handshake and a delivery', async () => {
    const seen: VobizEvent[] = [];
    const app = new Hono().on(['GET', 'POST'], PATH, metaWebhook(options(seen)));
    const listener = getRequestListener(app.fetch);
    const answer = await request(listener).get(handshake(PATH, VERIFY_TOKEN, 'over-http'));
    expect([answer.status, answer.text]).toEqual([200, 'over-http']);
    expect((await request(listener).get(handshake(PATH, 'wrong'))).status).toBe(403);
    const { body, headers } = signedRequest(batch(), APP_SECRET);
    const delivered = await request(listener)
      .post(PATH)
      .set(headers)
      .serialize((bytes) => bytes)
      .send(Buffer.from(body));
    expect([delivered.status, delivered.body]).toEqual([200, { ok: true }]);
    expect(seen).toHaveLength(3);
  });

  it('sits beside vobizWebhook in one app, each answering its own source', async () => {
    const meta: VobizEvent[] = [];
    const vobiz: VobizEvent[] = [];
    const app = new Hono()
      .post(
        '/webhooks/vobiz',
        vobizWebhook({ secret: 'whsec_beside', logger: false, on: { '*': (e) => void vobiz.push(e) } }),
      )
      .on(['GET', 'POST'], PATH, metaWebhook(options(meta)));
    const vobizEvent = createTestEvent('message.inbound');
    expectOk(await post(app, vobizEvent, '/webhooks/vobiz', 'whsec_beside'));
    expectOk(await post(app, batch()));
    expect((await app.request(handshake())).status).toBe(200);
    expectRefusal(await post(app, batch(), '/webhooks/vobiz'), 401, 'missing_signature');
    expect(vobiz.map((e) => [e.event_id, e.source])).toEqual([[vobizEvent.event_id, 'vobiz']]);
    expect(meta.map((e) => e.source)).toEqual(['meta', 'meta', 'meta']);
  });
});

describe('metaMiddleware: at the app root', () => {
  it('answers the handshake and deliveries on options.path, passing every other request on unread', async () => {
    const seen: VobizEvent[] = [];
    const app = new Hono();
    app.use(metaMiddleware(options(seen, { path: '/hooks/meta' })));
    app.get('/health', (c) => c.text('ok'));
    expect(await (await app.request(handshake('/hooks/meta', VERIFY_TOKEN, 'mw'))).text()).toBe('mw');
    expectOk(await post(app, batch(), '/hooks/meta'));
    expect(await (await app.request('/health')).text()).toBe('ok');
    expect((await post(app, batch(), PATH)).status).toBe(404);
    expect(seen).toHaveLength(3);
  });

  it("hands what is mounted after it every item's event, and only for a new, verified delivery", async () => {
    const after: Array<readonly VobizEvent[]> = [];
    const firsts: VobizEvent[] = [];
    const app = new Hono<{ Variables: VobizVariables }>();
    app.use(metaMiddleware(options()));
    app.post(PATH, (c) => {
      after.push(c.get('vobizEvents'));
      firsts.push(c.get('vobizEvent'));
      return c.text('ignored');
    });
    const body = batch();
    expectOk(await post(app, body));
    expectOk(await post(app, body), true);
    expectRefusal(await post(app, batch(), PATH, 'not_the_app_secret'), 401, 'invalid_signature');
    expect(after.map((events) => events.map((e) => e.event_type))).toEqual([
      ['message.inbound', 'message.status', 'message.inbound'],
    ]);
    expect(firsts).toEqual([after[0]?.[0]]);
  });
});
