import connect from 'connect';
import express from 'express';
import express4 from 'express4';
import { metaWebhook, vobizWebhook, type VobizMiddleware } from '@vobiz-webhooks/express';
import type { MetaInlineOptions, VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import {
  batchedMetaBody,
  delivery,
  expectBatchItem,
  expectChallenge,
  expectOk,
  expectRefusal,
  handshake,
  META_APP_SECRET,
  META_VERIFY_TOKEN,
  metaDelivery as signedMeta,
  SECRET,
  subscribe,
  type DeliveryRequest,
  type Target,
} from '@vobiz-webhooks/test-suites';
import { targetFor } from './support/target';

// metaWebhook(): Meta's Cloud API received directly, through real Express 4/5 and Connect
// apps. The mounting rules are vobizWebhook's (see mounting.test.ts), with GET for the handshake.

let open: Target[] = [];
let seen: VobizEvent[] = [];
afterEach(async () => {
  await Promise.all(open.map((t) => t.close?.()));
  open = [];
  seen = [];
});

const meta = (options: Partial<MetaInlineOptions> = {}): VobizMiddleware =>
  metaWebhook({
    appSecret: META_APP_SECRET,
    verifyToken: META_VERIFY_TOKEN,
    logger: false,
    on: { '*': (event) => void seen.push(event) },
    ...options,
  });

async function serve(app: Parameters<typeof targetFor>[0]): Promise<Target> {
  const t = await targetFor(app);
  open.push(t);
  return t;
}

/** The app's own routes, to prove requests pass through untouched. */
function withAppRoutes(app: express.Express): express.Express {
  app.get('/health', (_req, res) => void res.type('text').send('healthy'));
  app.get('/webhooks/other', (_req, res) => void res.type('text').send('other'));
  return app;
}

const CHALLENGE = '1158201444';

/** Meta's handshake at `path`, with the right verify token unless one is given. */
const subscribeAt = (path: string, token = META_VERIFY_TOKEN): DeliveryRequest =>
  handshake(subscribe(CHALLENGE, { 'hub.verify_token': token }), path);

/** A signed Meta delivery to `path`: the batch of five items unless a body is given. */
const metaDelivery = (path: string, body: object = batchedMetaBody().body, secret = META_APP_SECRET) =>
  signedMeta(body, secret, path);

describe.each([
  { name: 'Express 5', create: () => express() },
  { name: 'Express 4', create: () => express4() },
])('$name: metaWebhook', ({ create }) => {
  describe('app.use(metaWebhook(options)) at the root', () => {
    it("answers Meta's handshake with the challenge as plain text when the verify token matches", async () => {
      const t = await serve(withAppRoutes(create().use(meta())));
      expectChallenge(await t.send(subscribeAt('/webhooks/meta')), CHALLENGE);
      expect(seen).toEqual([]);
    });

    it('refuses a wrong verify token with 403, a missing challenge with 400, a bare GET with 405', async () => {
      const t = await serve(withAppRoutes(create().use(meta())));
      expectRefusal(await t.send(subscribeAt('/webhooks/meta', 'not-the-token')), 403, 'verification_failed');
      const noChallenge = handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': META_VERIFY_TOKEN });
      expectRefusal(await t.send(noChallenge), 400, 'invalid_challenge');
      const bare = await t.send({ method: 'GET', path: '/webhooks/meta' });
      expectRefusal(bare, 405, 'method_not_allowed');
      expect(bare.headers.allow).toBe('GET, POST');
      expectRefusal(await t.send({ method: 'PUT', path: '/webhooks/meta' }), 405, 'method_not_allowed');
    });

    it('handles a signed delivery of several items once per item, and its resend as a duplicate', async () => {
      const t = await serve(create().use(meta()));
      const { body, items } = batchedMetaBody();
      expectOk(await t.send(metaDelivery('/webhooks/meta', body)));
      expect(seen).toHaveLength(items.length);
      seen.forEach((event, i) => expectBatchItem(event, items[i]!));
      // Meta resends the whole body after a failure: every item is done, nothing runs twice.
      expectOk(await t.send(metaDelivery('/webhooks/meta', body)), true);
      expect(seen).toHaveLength(items.length);
    });

    it('refuses a delivery signed with another app secret with 401, and runs no handler', async () => {
      const t = await serve(create().use(meta()));
      const forged = metaDelivery('/webhooks/meta', batchedMetaBody().body, 'another-app-secret');
      expectRefusal(await t.send(forged), 401, 'invalid_signature');
      expect(seen).toEqual([]);
    });

    it("passes every other path to next(): the app's routes answer, near misses get the app's 404", async () => {
      const t = await serve(withAppRoutes(create().use(meta())));
      expect(await t.send({ method: 'GET', path: '/health' })).toMatchObject({ status: 200, body: 'healthy' });
      expect(await t.send({ method: 'GET', path: '/webhooks/other' })).toMatchObject({ status: 200, body: 'other' });
      for (const path of ['/webhooks/vobiz', '/webhooks/metaa', '/webhooks/meta/extra', '/']) {
        const response = await t.send(metaDelivery(path));
        expect(response.status).toBe(404);
        expect(response.body).not.toHaveProperty('ok');
      }
      expect((await t.send(subscribeAt('/webhooks/meta/extra'))).status).toBe(404);
      expect(seen).toEqual([]);
    });

    it('the `path` option moves the root mount, for the handshake and the deliveries', async () => {
      const t = await serve(create().use(meta({ path: '/hooks/whatsapp' })));
      expectChallenge(await t.send(subscribeAt('/hooks/whatsapp/')), CHALLENGE);
      expectOk(await t.send(metaDelivery('/hooks/whatsapp')));
      expect((await t.send(metaDelivery('/webhooks/meta'))).status).toBe(404);
      expect((await t.send(subscribeAt('/webhooks/meta'))).status).toBe(404);
      expect(seen).toHaveLength(5);
    });
  });

  describe('on a route', () => {
    it('app.all(path, mw) answers the handshake and the deliveries, whatever `path` says', async () => {
      const app = create();
      app.all('/hooks/meta', meta());
      const t = await serve(app);
      expectChallenge(await t.send(subscribeAt('/hooks/meta')), CHALLENGE);
      expectOk(await t.send(metaDelivery('/hooks/meta')));
      expectRefusal(await t.send({ method: 'GET', path: '/hooks/meta' }), 405, 'method_not_allowed');
      expect((await t.send(metaDelivery('/webhooks/meta'))).status).toBe(404);
      expect(seen).toHaveLength(5);
    });

    it('app.get(path, mw) with app.post(path, mw): one middleware for both methods', async () => {
      const app = create();
      const mw = meta();
      app.get('/hooks/meta', mw);
      app.post('/hooks/meta', mw);
      const t = await serve(app);
      expectChallenge(await t.send(subscribeAt('/hooks/meta')), CHALLENGE);
      const { body } = batchedMetaBody();
      expectOk(await t.send(metaDelivery('/hooks/meta', body)));
      expectOk(await t.send(metaDelivery('/hooks/meta', body)), true);
      expect(seen).toHaveLength(5);
    });

    it("app.use('/prefix', mw) answers at the prefix, the handshake's query intact; deeper paths go on", async () => {
      const app = withAppRoutes(create());
      app.use('/incoming/meta', meta());
      const t = await serve(app);
      expectChallenge(await t.send(subscribeAt('/incoming/meta')), CHALLENGE);
      expectRefusal(await t.send(subscribeAt('/incoming/meta', 'wrong')), 403, 'verification_failed');
      expectOk(await t.send(metaDelivery('/incoming/meta/')));
      expect((await t.send(metaDelivery('/incoming/meta/deeper'))).status).toBe(404);
      expect(await t.send({ method: 'GET', path: '/health' })).toMatchObject({ status: 200, body: 'healthy' });
      expect(seen).toHaveLength(5);
    });

    it('express.Router: router.all(path, mw) under a prefix', async () => {
      const router = express.Router();
      router.all('/meta', meta());
      const app = withAppRoutes(create());
      app.use('/webhooks', router);
      const t = await serve(app);
      expectChallenge(await t.send(subscribeAt('/webhooks/meta')), CHALLENGE);
      expectOk(await t.send(metaDelivery('/webhooks/meta')));
      expect(await t.send({ method: 'GET', path: '/webhooks/other' })).toMatchObject({ status: 200, body: 'other' });
    });
  });

  describe('beside vobizWebhook in the same app', () => {
    function bothApp(): express.Express {
      const app = withAppRoutes(create());
      app.use(vobizWebhook({ secret: SECRET, logger: false, on: { '*': (event) => void seen.push(event) } }));
      app.use(meta());
      return app;
    }

    it('each answers its own path, with the same handlers; events say where they came from', async () => {
      const t = await serve(bothApp());
      expectChallenge(await t.send(subscribeAt('/webhooks/meta')), CHALLENGE);
      const vobizEvent = createTestEvent('message.inbound');
      expectOk(await t.send({ ...delivery(vobizEvent), path: '/webhooks/vobiz' }));
      expectOk(await t.send(metaDelivery('/webhooks/meta')));
      expect(seen.map((e) => e.source)).toEqual(['vobiz', 'meta', 'meta', 'meta', 'meta', 'meta']);
      expect(seen[0]!.event_id).toBe(vobizEvent.event_id);
      // vobizWebhook's path keeps its own answers: GET there is its 405, with Allow: POST.
      const get = await t.send(subscribeAt('/webhooks/vobiz'));
      expectRefusal(get, 405, 'method_not_allowed');
      expect(get.headers.allow).toBe('POST');
      expect(await t.send({ method: 'GET', path: '/health' })).toMatchObject({ status: 200, body: 'healthy' });
    });

    it('a delivery sent to the other receiver is refused, naming the receiver to use', async () => {
      const t = await serve(bothApp());
      const toVobiz = await t.send(metaDelivery('/webhooks/vobiz'));
      expectRefusal(toVobiz, 401, 'missing_signature');
      expect(toVobiz.body.error.message).toContain('metaWebhook');
      const toMeta = await t.send({ ...delivery(createTestEvent('message.inbound')), path: '/webhooks/meta' });
      expectRefusal(toMeta, 401, 'missing_signature');
      expect(toMeta.body.error.message).toContain('vobizWebhook');
      expect(seen).toEqual([]);
    });
  });

  describe('raw bytes', () => {
    it('express.json() mounted first: deliveries get 500 raw_body_unavailable naming metaWebhook; the handshake still works', async () => {
      const app = create();
      app.use(express.json());
      app.use(meta());
      const t = await serve(app);
      expectChallenge(await t.send(subscribeAt('/webhooks/meta')), CHALLENGE);
      const response = await t.send(metaDelivery('/webhooks/meta'));
      expectRefusal(response, 500, 'raw_body_unavailable');
      expect(response.body.error.message).toContain('Mount metaWebhook() before express.json()');
      expect(seen).toEqual([]);
    });

    it('express.json({ verify }) keeping req.rawBody first: the kept bytes are verified', async () => {
      const app = create();
      app.use(
        express.json({
          verify: (req, _res, buf) => {
            (req as { rawBody?: Buffer }).rawBody = buf;
          },
        }),
      );
      app.use(meta());
      const t = await serve(app);
      expectOk(await t.send(metaDelivery('/webhooks/meta')));
      expect(seen).toHaveLength(5);
    });
  });
});

describe('Connect: metaWebhook', () => {
  async function connectApp(mount?: string): Promise<Target> {
    const app = connect();
    if (mount === undefined) app.use(meta());
    else app.use(mount, meta());
    app.use((_req: connect.IncomingMessage, res: import('node:http').ServerResponse) => {
      res.statusCode = 404;
      res.end('not here');
    });
    return serve(app);
  }

  it('app.use(mw): the handshake and a delivery on /webhooks/meta, other paths passed on', async () => {
    const t = await connectApp();
    expectChallenge(await t.send(subscribeAt('/webhooks/meta')), CHALLENGE);
    expectRefusal(await t.send(subscribeAt('/webhooks/meta', 'wrong')), 403, 'verification_failed');
    expectOk(await t.send(metaDelivery('/webhooks/meta')));
    expect(await t.send(metaDelivery('/elsewhere'))).toMatchObject({ status: 404, body: 'not here' });
    expect(seen).toHaveLength(5);
  });

  it("app.use('/x', mw): the handshake's query survives Connect's path stripping", async () => {
    const t = await connectApp('/x');
    expectChallenge(await t.send(subscribeAt('/x')), CHALLENGE);
    expectOk(await t.send(metaDelivery('/x')));
    expect(await t.send(metaDelivery('/webhooks/meta'))).toMatchObject({ status: 404, body: 'not here' });
  });
});
