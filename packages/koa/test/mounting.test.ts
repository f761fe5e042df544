import Router from '@koa/router';
import type Koa from 'koa';
import mount from 'koa-mount';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import type { InlineOptions, VobizEvent, VobizWebhookOptions } from '@vobiz-webhooks/koa';
import { vobizWebhook } from '@vobiz-webhooks/koa';
import { deliver, newKoaApp, type KoaVersion } from './support/target';

const SECRET = 'koa-mounting-secret';

/** Options whose handlers record every event they see. */
function recording(extra: Partial<InlineOptions> = {}): { options: VobizWebhookOptions; seen: VobizEvent[] } {
  const seen: VobizEvent[] = [];
  return { seen, options: { secret: SECRET, logger: false, on: { '*': (event) => void seen.push(event) }, ...extra } };
}

const signed = (type = 'message.inbound') => {
  const event = createTestEvent(type);
  return { event, ...signedRequest(event, SECRET) };
};

/** A downstream middleware that answers whatever reaches it, proving `next()` ran and nothing was consumed. */
const downstream: Koa.Middleware = async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  ctx.body = {
    reached: 'downstream',
    method: ctx.method,
    path: ctx.path,
    body: Buffer.concat(chunks).toString('utf8'),
  };
};

describe.each<KoaVersion>([3, 2])('Koa %i', (version) => {
  describe('at the root: app.use(vobizWebhook(options))', () => {
    it('handles a signed POST to the default path', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(vobizWebhook(options)).use(downstream);
      const { event, body, headers } = signed();

      const res = await deliver(app, { headers, body });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
    });

    it('matches the path with a query string or a trailing slash', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(vobizWebhook(options)).use(downstream);

      const withQuery = signed();
      expect((await deliver(app, { path: '/webhooks/vobiz?source=vobiz', ...withQuery })).status).toBe(200);
      const withSlash = signed();
      expect((await deliver(app, { path: '/webhooks/vobiz/', ...withSlash })).status).toBe(200);
      expect(seen.map((e) => e.event_id)).toEqual([withQuery.event.event_id, withSlash.event.event_id]);
    });

    it('passes other paths to next() untouched, body stream included', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(vobizWebhook(options)).use(downstream);

      const res = await deliver(app, {
        path: '/orders',
        headers: { 'content-type': 'application/json' },
        body: '{"sku":"A-1"}',
      });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ reached: 'downstream', method: 'POST', path: '/orders', body: '{"sku":"A-1"}' });
      expect(seen).toEqual([]);
    });

    it('does not answer for a path that only starts like the webhook path', async () => {
      const { options } = recording();
      const app = newKoaApp(version).use(vobizWebhook(options)).use(downstream);

      const res = await deliver(app, { method: 'GET', path: '/webhooks/vobiz-other' });

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ reached: 'downstream', path: '/webhooks/vobiz-other' });
    });

    it("keeps the app's @koa/router routes working behind it", async () => {
      const { options } = recording();
      const router = new Router();
      router.get('/health', (ctx) => {
        ctx.body = { healthy: true };
      });
      const app = newKoaApp(version).use(vobizWebhook(options)).use(router.routes()).use(router.allowedMethods());

      const res = await deliver(app, { method: 'GET', path: '/health' });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ healthy: true });
    });

    it('still handles its path when placed after router.routes() and allowedMethods()', async () => {
      const { options, seen } = recording();
      const router = new Router();
      router.get('/health', (ctx) => {
        ctx.body = { healthy: true };
      });
      const app = newKoaApp(version).use(router.routes()).use(router.allowedMethods()).use(vobizWebhook(options));
      const { event, body, headers } = signed();

      const res = await deliver(app, { headers, body });
      const health = await deliver(app, { method: 'GET', path: '/health' });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
      expect(health.body).toEqual({ healthy: true });
    });

    it('answers 405 with Allow: POST for GET on the webhook path, without reaching next()', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(vobizWebhook(options)).use(downstream);

      const res = await deliver(app, { method: 'GET' });

      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.body.error.code).toBe('method_not_allowed');
      expect(seen).toEqual([]);
    });

    it('uses options.path', async () => {
      const { options, seen } = recording({ path: '/hooks/whatsapp' });
      const app = newKoaApp(version).use(vobizWebhook(options)).use(downstream);
      const { event, body, headers } = signed('message.status');

      const handled = await deliver(app, { path: '/hooks/whatsapp', headers, body });
      const passed = await deliver(app, { path: '/webhooks/vobiz', headers, body });

      expect(handled.status).toBe(200);
      expect(passed.body).toMatchObject({ reached: 'downstream', path: '/webhooks/vobiz' });
      expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
    });
  });

  describe('with @koa/router', () => {
    it('handles every request router.post sends it, whatever options.path says', async () => {
      const { options, seen } = recording();
      const router = new Router();
      router.post('/custom/inbox', vobizWebhook(options));
      const app = newKoaApp(version).use(router.routes()).use(router.allowedMethods());
      const { event, body, headers } = signed('call.connect');

      const res = await deliver(app, { path: '/custom/inbox', headers, body });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
    });

    it('refuses a forged delivery on the route with 401 invalid_signature', async () => {
      const { options, seen } = recording();
      const router = new Router();
      router.post('/custom/inbox', vobizWebhook(options));
      const app = newKoaApp(version).use(router.routes()).use(router.allowedMethods());
      const { body, headers } = signedRequest(createTestEvent('message.inbound'), 'not-the-secret');

      const res = await deliver(app, { path: '/custom/inbox', headers, body });

      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_signature');
      expect(seen).toEqual([]);
    });

    it('works under a router prefix', async () => {
      const { options, seen } = recording();
      const router = new Router({ prefix: '/api/v1' });
      router.post('/vobiz', vobizWebhook(options));
      router.get('/status', (ctx) => {
        ctx.body = { up: true };
      });
      const app = newKoaApp(version).use(router.routes()).use(router.allowedMethods());
      const { event, body, headers } = signed();

      const res = await deliver(app, { path: '/api/v1/vobiz', headers, body });
      const other = await deliver(app, { method: 'GET', path: '/api/v1/status' });

      expect(res.status).toBe(200);
      expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
      expect(other.body).toEqual({ up: true });
    });

    it("answers every method on router.all with the pipeline's 405", async () => {
      const { options } = recording();
      const router = new Router();
      router.all('/webhooks/vobiz', vobizWebhook(options));
      const app = newKoaApp(version).use(router.routes());

      const res = await deliver(app, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });

      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.body.error.code).toBe('method_not_allowed');
    });

    it('leaves GET on a router.post route to the router (allowedMethods answers 405)', async () => {
      const { options, seen } = recording();
      const router = new Router();
      router.post('/webhooks/vobiz', vobizWebhook(options));
      const app = newKoaApp(version).use(router.routes()).use(router.allowedMethods());

      const res = await deliver(app, { method: 'GET' });

      expect(res.status).toBe(405);
      expect(res.headers.allow).toContain('POST');
      expect(seen).toEqual([]);
    });
  });

  describe('at the root, after a route that passed the request on with next()', () => {
    it('answers only its own path: @koa/router leaves _matchedRoute set after the route', async () => {
      const { options, seen } = recording();
      const router = new Router();
      router.all('/users', async (_ctx, next) => next());
      router.all('/webhooks/vobiz', async (_ctx, next) => next());
      const app = newKoaApp(version).use(router.routes()).use(vobizWebhook(options)).use(downstream);
      const { event, body, headers } = signed();

      expect((await deliver(app, { method: 'GET', path: '/users' })).body).toMatchObject({ reached: 'downstream' });
      const posted = await deliver(app, {
        path: '/users',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(posted.body).toMatchObject({ reached: 'downstream', method: 'POST', body: '{}' });
      expect((await deliver(app, { headers, body })).body).toEqual({ ok: true });
      expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
    });

    it('the same middleware on a route and at the root answers both', async () => {
      const { options, seen } = recording();
      const webhook = vobizWebhook(options);
      const router = new Router();
      router.post('/custom', webhook);
      const app = newKoaApp(version).use(router.routes()).use(webhook).use(downstream);

      const first = signed();
      expect((await deliver(app, { path: '/custom', headers: first.headers, body: first.body })).body).toEqual({
        ok: true,
      });
      const second = signed();
      expect((await deliver(app, { headers: second.headers, body: second.body })).body).toEqual({ ok: true });
      expect(seen).toHaveLength(2);
    });

    it('router.use(mw) in a router the app runs also leaves alone what an earlier route passed on', async () => {
      const { options } = recording();
      const first = new Router();
      first.all('/users', async (_ctx, next) => next());
      const second = new Router();
      // router.use runs on every route of its router that matched: here GET /users.
      second.use(vobizWebhook(options));
      second.get('/users', (ctx) => void (ctx.body = { reached: 'the second router' }));
      const app = newKoaApp(version).use(first.routes()).use(second.routes()).use(downstream);

      expect((await deliver(app, { method: 'GET', path: '/users' })).body).toEqual({ reached: 'the second router' });
    });

    it('a function of the app on a route that calls it still has it answer what the route sends it', async () => {
      const { options, seen } = recording();
      const webhook = vobizWebhook(options);
      const router = new Router();
      router.post('/hooks/custom', (ctx, next) => webhook(ctx, next));
      const app = newKoaApp(version).use(router.routes()).use(downstream);
      const { body, headers } = signed();

      expect((await deliver(app, { path: '/hooks/custom', headers, body })).body).toEqual({ ok: true });
      expect(seen).toHaveLength(1);
    });
  });

  describe('under koa-mount', () => {
    it('mounted directly, it answers the mount path and every path below it', async () => {
      const { options } = recording();
      const app = newKoaApp(version)
        .use(mount('/hooks/vobiz', vobizWebhook(options)))
        .use(downstream);

      expect((await deliver(app, { method: 'GET', path: '/hooks/vobiz' })).status).toBe(405);
      expect((await deliver(app, { method: 'GET', path: '/hooks/vobiz/deeper' })).status).toBe(405);
      expect((await deliver(app, { method: 'GET', path: '/elsewhere' })).body).toMatchObject({ reached: 'downstream' });
    });

    it('handles what reaches it below the mount path', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version)
        .use(mount('/hooks/vobiz', vobizWebhook(options)))
        .use(downstream);
      const { event, body, headers } = signed();

      const res = await deliver(app, { path: '/hooks/vobiz', headers, body });
      const elsewhere = await deliver(app, { method: 'GET', path: '/somewhere' });

      expect(res.status).toBe(200);
      expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
      expect(elsewhere.body).toMatchObject({ reached: 'downstream', path: '/somewhere' });
    });
  });
});
