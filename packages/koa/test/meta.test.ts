import Router from '@koa/router';
import type Koa from 'koa';
import mount from 'koa-mount';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { metaWebhook, vobizWebhook } from '@vobiz-webhooks/koa';
import {
  batchedMetaBody,
  expectBatchItem,
  expectChallenge,
  handshake,
  META_APP_SECRET,
  META_PATH,
  META_VERIFY_TOKEN,
  metaDelivery as signedMeta,
  recordingMetaOptions,
  subscribe,
  type DeliveryRequest,
  type DeliveryResponse,
} from '@vobiz-webhooks/test-suites';
import { deliver, newKoaApp, type KoaVersion } from './support/target';

// metaWebhook(): Meta's Cloud API received directly, through real Koa 2 and 3 apps, with
// and without @koa/router. The mounting rules are vobizWebhook's (see mounting.test.ts),
// with GET for the handshake.

// Loaded untyped, as in body-parsers.test.ts: @koa/bodyparser's types would change every
// http.IncomingMessage in the repo's one type-checked program.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bodyParser } = require('@koa/bodyparser') as { bodyParser: () => Koa.Middleware };

const VOBIZ_SECRET = 'koa-meta-test-vobiz-secret';
const CHALLENGE = '1158201444';

/** Meta's handshake at `path`, with the right verify token unless one is given. */
const subscribeAt = (path = META_PATH, token = META_VERIFY_TOKEN): DeliveryRequest =>
  handshake(subscribe(CHALLENGE, { 'hub.verify_token': token }), path);

/** A signed Meta delivery to `path`: a batch of five items unless a body is given. */
const metaDelivery = (path: string, body: object = batchedMetaBody().body, secret = META_APP_SECRET) =>
  signedMeta(body, secret, path);

const recording = recordingMetaOptions;

/** A downstream middleware that answers whatever reaches it, proving `next()` ran and nothing was consumed. */
const downstream: Koa.Middleware = async (ctx) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  ctx.body = { reached: 'downstream', method: ctx.method, path: ctx.path, bytes: Buffer.concat(chunks).length };
};

/** A hand-rolled JSON parser that keeps only the parsed object. */
const parsedOnly: Koa.Middleware = async (ctx, next) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  if (chunks.length > 0) (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  await next();
};

/** The challenge, exactly and as text: Koa keeps the content type the pipeline set for a string body. */
const challenged = (res: DeliveryResponse) => {
  expectChallenge(res, CHALLENGE);
  expect(res.body).toBe(CHALLENGE);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
};

describe.each<KoaVersion>([3, 2])('Koa %i: metaWebhook', (version) => {
  describe('at the root: app.use(metaWebhook(options))', () => {
    it("answers Meta's handshake with the challenge as plain text when the verify token matches", async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(metaWebhook(options)).use(downstream);
      challenged(await deliver(app, subscribeAt()));
      expect(seen).toEqual([]);
    });

    it('refuses a wrong verify token with 403, a missing challenge with 400, a bare GET with 405', async () => {
      const { options } = recording();
      const app = newKoaApp(version).use(metaWebhook(options)).use(downstream);

      const wrong = await deliver(app, subscribeAt(META_PATH, 'not-the-token'));
      const noChallenge = await deliver(
        app,
        handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': META_VERIFY_TOKEN }),
      );
      const bare = await deliver(app, { method: 'GET', path: META_PATH });

      expect([wrong.status, wrong.body.error.code]).toEqual([403, 'verification_failed']);
      expect([noChallenge.status, noChallenge.body.error.code]).toEqual([400, 'invalid_challenge']);
      expect([bare.status, bare.body.error.code, bare.headers.allow]).toEqual([405, 'method_not_allowed', 'GET, POST']);
    });

    it('handles a signed delivery of several items once per item, and its resend as a duplicate', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(metaWebhook(options)).use(downstream);
      const { body, items } = batchedMetaBody();
      const request = metaDelivery(META_PATH, body);

      const first = await deliver(app, request);
      const resent = await deliver(app, request);

      expect([first.status, first.body]).toEqual([200, { ok: true }]);
      expect([resent.status, resent.body]).toEqual([200, { ok: true, duplicate: true }]);
      expect(seen).toHaveLength(items.length);
      seen.forEach((event, i) => expectBatchItem(event, items[i]!));
    });

    it('refuses a delivery signed with another app secret with 401 and runs no handler', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(metaWebhook(options)).use(downstream);

      const res = await deliver(app, metaDelivery(META_PATH, batchedMetaBody().body, 'another-app-secret'));

      expect([res.status, res.body.error.code]).toEqual([401, 'invalid_signature']);
      expect(seen).toEqual([]);
    });

    it('passes other paths to next() untouched, handshake-looking GETs and bodies included', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(metaWebhook(options)).use(downstream);
      const request = metaDelivery('/webhooks/vobiz');

      const post = await deliver(app, request);
      const get = await deliver(app, subscribeAt('/webhooks/meta-other'));

      expect(post.body).toEqual({
        reached: 'downstream',
        method: 'POST',
        path: '/webhooks/vobiz',
        bytes: Buffer.byteLength(request.body as string),
      });
      expect(get.body).toMatchObject({ reached: 'downstream', method: 'GET', path: '/webhooks/meta-other' });
      expect(seen).toEqual([]);
    });

    it('uses options.path for the handshake and the deliveries', async () => {
      const { options, seen } = recording({ path: '/hooks/whatsapp' });
      const app = newKoaApp(version).use(metaWebhook(options)).use(downstream);

      challenged(await deliver(app, subscribeAt('/hooks/whatsapp/')));
      expect((await deliver(app, metaDelivery('/hooks/whatsapp'))).body).toEqual({ ok: true });
      expect((await deliver(app, metaDelivery(META_PATH))).body).toMatchObject({ reached: 'downstream' });
      expect(seen).toHaveLength(5);
    });
  });

  describe('with @koa/router', () => {
    it('router.all(path, mw): the handshake and the deliveries, whatever options.path says', async () => {
      const { options, seen } = recording();
      const router = new Router();
      router.all('/custom/meta', metaWebhook(options));
      const app = newKoaApp(version).use(router.routes()).use(router.allowedMethods());

      challenged(await deliver(app, subscribeAt('/custom/meta')));
      expect((await deliver(app, metaDelivery('/custom/meta'))).body).toEqual({ ok: true });
      const put = await deliver(app, { method: 'PUT', path: '/custom/meta' });
      expect([put.status, put.body.error.code, put.headers.allow]).toEqual([405, 'method_not_allowed', 'GET, POST']);
      expect(seen).toHaveLength(5);
    });

    it('router.get and router.post with one middleware, under a router prefix', async () => {
      const { options, seen } = recording();
      const router = new Router({ prefix: '/api/v1' });
      const webhook = metaWebhook(options);
      router.get('/meta', webhook).post('/meta', webhook);
      router.get('/status', (ctx) => {
        ctx.body = { up: true };
      });
      const app = newKoaApp(version).use(router.routes()).use(router.allowedMethods());
      const request = metaDelivery('/api/v1/meta');

      challenged(await deliver(app, subscribeAt('/api/v1/meta')));
      expect((await deliver(app, request)).body).toEqual({ ok: true });
      expect((await deliver(app, request)).body).toEqual({ ok: true, duplicate: true });
      expect((await deliver(app, { method: 'GET', path: '/api/v1/status' })).body).toEqual({ up: true });
      expect(seen).toHaveLength(5);
    });

    it('router.post alone never sees the handshake: allowedMethods answers GET (why the README says router.all)', async () => {
      const { options } = recording();
      const router = new Router();
      router.post(META_PATH, metaWebhook(options));
      const app = newKoaApp(version).use(router.routes()).use(router.allowedMethods());

      const res = await deliver(app, subscribeAt());

      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
    });
  });

  it("under koa-mount: the handshake's query survives the stripped path", async () => {
    const { options, seen } = recording();
    const app = newKoaApp(version)
      .use(mount('/hooks/meta', metaWebhook(options)))
      .use(downstream);

    challenged(await deliver(app, subscribeAt('/hooks/meta')));
    const wrong = await deliver(app, subscribeAt('/hooks/meta', 'wrong'));
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'verification_failed']);
    expect((await deliver(app, metaDelivery('/hooks/meta'))).body).toEqual({ ok: true });
    expect((await deliver(app, { method: 'GET', path: '/somewhere' })).body).toMatchObject({ reached: 'downstream' });
    expect(seen).toHaveLength(5);
  });

  describe('beside vobizWebhook in the same app', () => {
    function bothApp() {
      const { options, seen } = recording();
      const vobiz = vobizWebhook({ secret: VOBIZ_SECRET, logger: false, on: options.on });
      const app = newKoaApp(version).use(vobiz).use(metaWebhook(options)).use(downstream);
      return { app, seen };
    }

    it('each answers its own path, with the same handlers; events say where they came from', async () => {
      const { app, seen } = bothApp();
      const vobizEvent = createTestEvent('message.inbound');

      challenged(await deliver(app, subscribeAt()));
      const vobiz = await deliver(app, { path: '/webhooks/vobiz', ...signedRequest(vobizEvent, VOBIZ_SECRET) });
      const meta = await deliver(app, metaDelivery(META_PATH));
      const vobizGet = await deliver(app, { method: 'GET', path: '/webhooks/vobiz' });

      expect([vobiz.body, meta.body]).toEqual([{ ok: true }, { ok: true }]);
      expect(seen.map((e) => e.source)).toEqual(['vobiz', 'meta', 'meta', 'meta', 'meta', 'meta']);
      expect(seen[0]!.event_id).toBe(vobizEvent.event_id);
      expect([vobizGet.status, vobizGet.headers.allow]).toEqual([405, 'POST']);
      expect((await deliver(app, { method: 'GET', path: '/elsewhere' })).body).toMatchObject({ reached: 'downstream' });
    });

    it('a delivery sent to the other receiver is refused, naming the receiver to use', async () => {
      const { app, seen } = bothApp();

      const toVobiz = await deliver(app, metaDelivery('/webhooks/vobiz'));
      const toMeta = await deliver(app, {
        path: META_PATH,
        ...signedRequest(createTestEvent('message.inbound'), VOBIZ_SECRET),
      });

      expect([toVobiz.status, toVobiz.body.error.code]).toEqual([401, 'missing_signature']);
      expect(toVobiz.body.error.message).toContain('metaWebhook');
      expect([toMeta.status, toMeta.body.error.code]).toEqual([401, 'missing_signature']);
      expect(toMeta.body.error.message).toContain('vobizWebhook');
      expect(seen).toEqual([]);
    });
  });

  describe('body parsers', () => {
    it('a parser that keeps only the parsed object: 500 raw_body_unavailable naming metaWebhook; the handshake still works', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(parsedOnly).use(metaWebhook(options));

      challenged(await deliver(app, subscribeAt()));
      const res = await deliver(app, metaDelivery(META_PATH));

      expect([res.status, res.body.error.code]).toEqual([500, 'raw_body_unavailable']);
      expect(res.body.error.message).toContain('Mount metaWebhook() before the body parser');
      expect(seen).toEqual([]);
    });

    it('@koa/bodyparser mounted first: ctx.request.rawBody is verified', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(bodyParser()).use(metaWebhook(options));

      expect((await deliver(app, metaDelivery(META_PATH))).body).toEqual({ ok: true });
      expect(seen).toHaveLength(5);
    });
  });
});
