import connect from 'connect';
import express from 'express';
import express4 from 'express4';
import { vobizWebhook, type VobizMiddleware } from '@vobiz-webhooks/express';
import type { InlineOptions, VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { delivery, expectOk, expectRefusal, SECRET } from '@vobiz-webhooks/test-suites';
import type { DeliveryRequest, Target } from '@vobiz-webhooks/test-suites';
import { targetFor } from './support/target';

// Mounting (docs/architecture.md, "Adapters"): at the root the middleware answers only for its own path and leaves
// the rest of the app alone; on a route it answers whatever reaches it.

let open: Target[] = [];
let seen: VobizEvent[] = [];
afterEach(async () => {
  await Promise.all(open.map((t) => t.close?.()));
  open = [];
  seen = [];
});

const middleware = (options: Partial<InlineOptions> = {}): VobizMiddleware =>
  vobizWebhook({ secret: SECRET, logger: false, on: { '*': (event) => void seen.push(event) }, ...options });

async function serve(app: Parameters<typeof targetFor>[0]): Promise<Target> {
  const t = await targetFor(app);
  open.push(t);
  return t;
}

const post = (path: string): DeliveryRequest => ({ ...delivery(createTestEvent('message.inbound')), path });

/** The app's own routes, to prove requests pass through untouched. */
function withAppRoutes(app: express.Express): express.Express {
  app.get('/health', (_req, res) => void res.type('text').send('healthy'));
  app.post('/orders', (_req, res) => void res.status(201).json({ created: true }));
  app.get('/webhooks/other', (_req, res) => void res.type('text').send('other'));
  return app;
}

describe.each([
  { name: 'Express 5', create: () => express() },
  { name: 'Express 4', create: () => express4() },
])('$name: mounting', ({ create }) => {
  it('app.use(mw) handles POST /webhooks/vobiz, and the trailing-slash and query-string forms', async () => {
    const t = await serve(withAppRoutes(create().use(middleware())));
    expectOk(await t.send(post('/webhooks/vobiz')));
    expectOk(await t.send(post('/webhooks/vobiz/')));
    expectOk(await t.send(post('/webhooks/vobiz?source=vobiz')));
    expect(seen).toHaveLength(3);
  });

  it('app.use(mw) answers 405 with Allow: POST for other methods on its path', async () => {
    const t = await serve(withAppRoutes(create().use(middleware())));
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      const response = await t.send({ method, path: '/webhooks/vobiz' });
      expectRefusal(response, 405, 'method_not_allowed');
      expect(response.headers.allow).toBe('POST');
    }
  });

  it("app.use(mw) passes every other path to next(): the app's routes answer, unknown paths get the app's 404", async () => {
    const t = await serve(withAppRoutes(create().use(middleware())));
    expect(await t.send({ method: 'GET', path: '/health' })).toMatchObject({ status: 200, body: 'healthy' });
    expect(
      await t.send({ method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: '{}' }),
    ).toMatchObject({
      status: 201,
      body: { created: true },
    });
    expect(await t.send({ method: 'GET', path: '/webhooks/other' })).toMatchObject({ status: 200, body: 'other' });
    // Near misses of the path are not the webhook either.
    for (const path of ['/webhooks/vobizz', '/webhooks', '/webhooks/vobiz/extra', '/WEBHOOKS/VOBIZ/x', '/']) {
      const response = await t.send(post(path));
      expect(response.status).toBe(404);
      expect(response.body).not.toHaveProperty('ok');
    }
    expect(seen).toEqual([]);
  });

  it('the `path` option moves the root mount', async () => {
    const t = await serve(create().use(middleware({ path: '/hooks/whatsapp' })));
    expectOk(await t.send(post('/hooks/whatsapp')));
    expect((await t.send(post('/webhooks/vobiz'))).status).toBe(404);
    expect(seen).toHaveLength(1);
  });

  it('app.use(mw) after a route that passed the request on with next() still answers only its own path', async () => {
    // Express leaves req.route set once a route has run, also when the route called next().
    const app = create();
    const passedOn: string[] = [];
    app.all('/api/users', (req, _res, next) => void (passedOn.push(req.method), next()));
    app.get('/page', (_req, _res, next) => next());
    app.all('/webhooks/vobiz', (_req, _res, next) => next());
    app.use(middleware());
    app.get('/api/users', (_req, res) => void res.json([]));
    app.post('/api/users', express.json(), (req, res) => void res.status(201).json(req.body));
    app.use((_req, res) => void res.status(404).type('text').send('the app 404'));
    const t = await serve(app);
    expect(await t.send({ method: 'GET', path: '/api/users' })).toMatchObject({ status: 200, body: [] });
    const created = await t.send({
      method: 'POST',
      path: '/api/users',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"Ana"}',
    });
    expect(created).toMatchObject({ status: 201, body: { name: 'Ana' } });
    expect(await t.send({ method: 'GET', path: '/page' })).toMatchObject({ status: 404, body: 'the app 404' });
    expect(passedOn).toEqual(['GET', 'POST']);
    // Its own path still answers, after the same kind of route.
    expectOk(await t.send(post('/webhooks/vobiz')));
    expect(seen).toHaveLength(1);
  });

  it('a sub-app that mounts it at its own root after such a route leaves the rest of the sub-app alone', async () => {
    const admin = create();
    admin.all('/users', (_req, _res, next) => next());
    admin.use(middleware());
    admin.get('/users', (_req, res) => void res.json(['ana']));
    const app = create();
    app.use('/admin', admin);
    const t = await serve(app);
    expect(await t.send({ method: 'GET', path: '/admin/users' })).toMatchObject({ status: 200, body: ['ana'] });
    expectOk(await t.send(post('/admin/webhooks/vobiz')));
  });

  it('the same middleware on a route and at the root answers both', async () => {
    const app = create();
    const mw = middleware();
    app.post('/custom', mw);
    app.use(mw);
    const t = await serve(app);
    expectOk(await t.send(post('/custom')));
    expectOk(await t.send(post('/webhooks/vobiz')));
    expect(seen).toHaveLength(2);
  });

  it('in a router, after a route that passed the request on, it leaves the rest of the app alone', async () => {
    const inner = express.Router();
    inner.all('/users', (_req, _res, next) => next());
    inner.use(middleware());
    inner.get('/users', (_req, res) => void res.json(['inner']));
    const api = express.Router();
    api.get('/users', (_req, res) => void res.json(['api']));
    const app = create();
    app.all('/api/users', (_req, _res, next) => next());
    app.use('/inner', inner);
    app.use(express.Router().use(middleware()));
    app.use('/api', api);
    const t = await serve(app);
    expect(await t.send({ method: 'GET', path: '/inner/users' })).toMatchObject({ status: 200, body: ['inner'] });
    expect(await t.send({ method: 'GET', path: '/api/users' })).toMatchObject({ status: 200, body: ['api'] });
    expectOk(await t.send(post('/inner/webhooks/vobiz')));
  });

  it('called by a function of the app on a route (as NestJS middleware is), it answers what the route sends it', async () => {
    const app = create();
    const mw = middleware();
    app.post('/hooks/custom', (req, res, next) => mw(req, res, next));
    const t = await serve(app);
    expectOk(await t.send(post('/hooks/custom')));
    expect(seen).toHaveLength(1);
  });

  it('app.post("/custom", mw) handles what reaches it, whatever `path` says', async () => {
    const app = create();
    app.post('/custom', middleware());
    app.get('/custom', (_req, res) => void res.type('text').send('a page'));
    const t = await serve(app);
    expectOk(await t.send(post('/custom')));
    // GET never reaches a POST route: the app's own GET answers.
    expect(await t.send({ method: 'GET', path: '/custom' })).toMatchObject({ status: 200, body: 'a page' });
    expect((await t.send(post('/webhooks/vobiz'))).status).toBe(404);
  });

  it('app.all("/custom", mw) answers 405 for other methods', async () => {
    const app = create();
    app.all('/custom', middleware());
    const t = await serve(app);
    expectRefusal(await t.send({ method: 'GET', path: '/custom' }), 405, 'method_not_allowed');
    expectOk(await t.send(post('/custom')));
  });

  it("app.use('/prefix', mw) handles requests to the prefix", async () => {
    const app = withAppRoutes(create());
    app.use('/incoming/vobiz', middleware());
    const t = await serve(app);
    expectOk(await t.send(post('/incoming/vobiz')));
    expectOk(await t.send(post('/incoming/vobiz/')));
    expectRefusal(await t.send({ method: 'GET', path: '/incoming/vobiz' }), 405, 'method_not_allowed');
    expect(await t.send({ method: 'GET', path: '/health' })).toMatchObject({ status: 200, body: 'healthy' });
    // Deeper paths under the prefix are not the webhook: they go on to the app (404 here).
    expect((await t.send(post('/incoming/vobiz/deeper'))).status).toBe(404);
    expect(seen).toHaveLength(2);
  });

  it('express.Router: router.post(path, mw) mounted under a prefix', async () => {
    const router = express.Router();
    router.post('/vobiz', middleware());
    const app = withAppRoutes(create());
    app.use('/webhooks', router);
    const t = await serve(app);
    expectOk(await t.send(post('/webhooks/vobiz')));
    expect(await t.send({ method: 'GET', path: '/webhooks/other' })).toMatchObject({ status: 200, body: 'other' });
  });

  it('express.Router: router.use(mw) in a router mounted at the root behaves like app.use(mw)', async () => {
    const router = express.Router();
    router.use(middleware());
    const app = create();
    app.use(router);
    withAppRoutes(app);
    const t = await serve(app);
    expectOk(await t.send(post('/webhooks/vobiz')));
    expect(await t.send({ method: 'GET', path: '/health' })).toMatchObject({ status: 200, body: 'healthy' });
  });

  it('a router (or sub-app) mounted under /api with router.use(mw) answers only for its path, not for all of /api', async () => {
    const api = express.Router();
    api.use(middleware());
    api.get('/status', (_req, res) => void res.json({ up: true }));
    const app = create();
    app.use('/api', api);
    const t = await serve(app);
    expectOk(await t.send(post('/api/webhooks/vobiz')));
    expect(await t.send({ method: 'GET', path: '/api/status' })).toMatchObject({ status: 200, body: { up: true } });
    expect(seen).toHaveLength(1);
  });

  it('an error in the handler pipeline never reaches the app error handler: it is answered as JSON', async () => {
    const errors: unknown[] = [];
    const app = create();
    app.use(
      vobizWebhook({
        secret: SECRET,
        logger: false,
        on: { 'message.inbound': () => Promise.reject(new Error('down')) },
      }),
    );
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(error);
      res.status(599).end();
    });
    const t = await serve(app);
    expectRefusal(await t.send(post('/webhooks/vobiz')), 500, 'handler_failed');
    expect(errors).toEqual([]);
  });

  it('headers an earlier middleware set stay on the answer, next to its own', async () => {
    const app = create();
    app.use((_req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.setHeader('x-request-id', 'req-42');
      res.setHeader('content-type', 'text/plain');
      next();
    });
    app.use(middleware());
    const t = await serve(app);
    const ok = await t.send(post('/webhooks/vobiz'));
    expectOk(ok);
    expect(ok.headers).toMatchObject({ 'x-request-id': 'req-42', 'content-type': 'application/json; charset=utf-8' });
    const refused = await t.send({ method: 'GET', path: '/webhooks/vobiz' });
    expectRefusal(refused, 405, 'method_not_allowed');
    expect(refused.headers).toMatchObject({ 'x-request-id': 'req-42', allow: 'POST' });
  });
});

describe('Connect: mounting', () => {
  const connectApp = () => {
    const app = connect();
    return {
      app,
      fallback: () =>
        app.use((_req: connect.IncomingMessage, res: import('node:http').ServerResponse) => {
          res.statusCode = 404;
          res.end('not here');
        }),
    };
  };

  it('app.use(mw) handles POST /webhooks/vobiz, 405 for GET there, and passes other paths on', async () => {
    const { app, fallback } = connectApp();
    app.use(middleware());
    fallback();
    const t = await serve(app);
    expectOk(await t.send(post('/webhooks/vobiz')));
    expectRefusal(await t.send({ method: 'GET', path: '/webhooks/vobiz' }), 405, 'method_not_allowed');
    expect(await t.send(post('/elsewhere'))).toMatchObject({ status: 404, body: 'not here' });
    expect(seen).toHaveLength(1);
  });

  it("app.use('/x', mw) handles requests to /x", async () => {
    const { app, fallback } = connectApp();
    app.use('/x', middleware());
    fallback();
    const t = await serve(app);
    expectOk(await t.send(post('/x')));
    expectRefusal(await t.send({ method: 'GET', path: '/x' }), 405, 'method_not_allowed');
    expect(await t.send(post('/webhooks/vobiz'))).toMatchObject({ status: 404, body: 'not here' });
  });
});
