import { Hono } from 'hono';
import type { EventQueue, VobizEvent, VobizWebhookOptions } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizMiddleware, vobizWebhook, type VobizVariables } from '@vobiz-webhooks/hono';

const SECRET = 'whsec_hono_mounting_test';
const PATH = '/webhooks/vobiz';

function options(seen: VobizEvent[] = [], extra: Partial<VobizWebhookOptions> = {}): VobizWebhookOptions {
  return {
    secret: SECRET,
    logger: false,
    on: { '*': (event) => void seen.push(event) },
    ...extra,
  } as VobizWebhookOptions;
}

const post = (app: Hono<any>, event: object, secret = SECRET, path = PATH) => {
  const { body, headers } = signedRequest(event, secret);
  return app.request(`http://localhost${path}`, { method: 'POST', headers, body });
};

describe('vobizWebhook: a handler on a route', () => {
  it('on app.post, a signed delivery is 200 and other methods get Hono 404, not the pipeline', async () => {
    const seen: VobizEvent[] = [];
    const app = new Hono().post(PATH, vobizWebhook(options(seen)));
    const event = createTestEvent('message.inbound');
    const answer = await post(app, event);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
    expect((await app.request(PATH, { method: 'GET' })).status).toBe(404);
  });

  it('on app.all, other methods get the JSON 405 with Allow: POST', async () => {
    const app = new Hono().all('/custom/hook', vobizWebhook(options()));
    const answer = await app.request('/custom/hook', { method: 'PUT' });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(((await answer.json()) as any).error.code).toBe('method_not_allowed');
  });

  it('leaves the body readable: an outer middleware reads c.req.json() and c.req.text() after it', async () => {
    const after: unknown[] = [];
    const app = new Hono();
    app.use(async (c, next) => {
      await next();
      after.push(await c.req.json(), await c.req.text());
    });
    app.post(PATH, vobizWebhook(options()));
    const event = createTestEvent('message.status');
    const { body } = signedRequest(event, SECRET);
    expect((await post(app, event)).status).toBe(200);
    expect(after).toEqual([event, body]);
  });

  it('uses what an earlier c.req.json() cached, and refuses when the raw stream was read', async () => {
    const cached = new Hono();
    cached.use(async (c, next) => {
      await c.req.json();
      await next();
    });
    cached.post(PATH, vobizWebhook(options()));
    expect((await post(cached, createTestEvent('message.inbound'))).status).toBe(200);

    const raw = new Hono();
    raw.use(async (c, next) => {
      await c.req.raw.text();
      await next();
    });
    raw.post(PATH, vobizWebhook(options()));
    const answer = await post(raw, createTestEvent('message.inbound'));
    expect(answer.status).toBe(500);
    const { error } = (await answer.json()) as any;
    expect(error.code).toBe('raw_body_unavailable');
    expect(error.message).toContain('c.req.arrayBuffer()');
  });

  it('queue mode: the verified event is enqueued and answered 200, no inline handler', async () => {
    const queued: string[] = [];
    const queue: EventQueue = { enqueue: async (event, key) => void queued.push(`${event.event_type} ${key}`) };
    const app = new Hono().post(PATH, vobizWebhook({ secret: SECRET, logger: false, queue }));
    const event = createTestEvent('call.connect');
    const answer = await post(app, event);
    expect(answer.status).toBe(200);
    expect(queued).toEqual([`call.connect ${event.event_id}`]);
    expect((await post(app, event, 'whsec_forger')).status).toBe(401);
    expect(queued).toHaveLength(1);
  });
});

describe('vobizMiddleware: at the root', () => {
  function appWithLater() {
    const later: unknown[] = [];
    const app = new Hono<{ Variables: VobizVariables }>();
    app.use(vobizMiddleware(options()));
    app.post(PATH, async (c) => {
      later.push(c.get('vobizEvent').event_id, await c.req.json(), await c.req.text());
      return c.text('ignored', 202, { 'x-later': '1' });
    });
    app.get('/health', (c) => c.text('ok'));
    app.post('/api/echo', async (c) => c.json(await c.req.json()));
    return { app, later };
  }

  it('runs what is mounted after it for a handled delivery, with the event and a readable body', async () => {
    const { app, later } = appWithLater();
    const event = createTestEvent('message.inbound');
    const { body } = signedRequest(event, SECRET);
    const answer = await post(app, event);
    // The receiver's answer as is, not the later handler's.
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-later')).toBeNull();
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual({ ok: true });
    expect(later).toEqual([event.event_id, event, body]);
  });

  it('stops at a refusal or a duplicate: nothing later sees the body', async () => {
    const { app, later } = appWithLater();
    const event = createTestEvent('message.inbound');
    expect((await post(app, event, 'whsec_forger')).status).toBe(401);
    expect(later).toHaveLength(0);
    expect((await post(app, event)).status).toBe(200);
    const duplicate = await post(app, event);
    expect(await duplicate.json()).toEqual({ ok: true, duplicate: true });
    expect(later).toHaveLength(3);
  });

  it('answers 405 on its path for other methods and passes other paths on unread', async () => {
    const { app } = appWithLater();
    const refused = await app.request(PATH, { method: 'GET' });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('POST');
    expect(await (await app.request('/health')).text()).toBe('ok');
    const echo = await app.request('/api/echo', { method: 'POST', body: '{"a":1}' });
    expect(await echo.json()).toEqual({ a: 1 });
  });
});
