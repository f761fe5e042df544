import type { IncomingMessage, ServerResponse } from 'node:http';
import { expectTypeOf } from 'expect-type';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { metaWebhook, vobizWebhook, type MetaRouteHandlers, type VobizRouteHandler } from '@vobiz-webhooks/next';
import {
  metaWebhook as metaPagesWebhook,
  vobizWebhook as vobizPagesWebhook,
  type PagesApiRequest,
  type VobizPagesHandler,
} from '@vobiz-webhooks/next/pages';
import {
  batchedMetaBody,
  expectBatchItem,
  listen,
  META_APP_SECRET as APP_SECRET,
  META_VERIFY_TOKEN as VERIFY_TOKEN,
  handshakeQuery,
  recordingMetaOptions,
  type Listening,
} from '@vobiz-webhooks/test-suites';
import { toDeliveryResponse } from './support/target';

// metaWebhook(): Meta's Cloud API received directly, through the App Router route
// handlers (called as Next.js calls them, with a `Request`) and the Pages Router API
// handler behind a real Node HTTP server.

const VOBIZ_SECRET = 'whsec_next_meta_test';
const ROUTE = 'http://localhost:3000/api/webhooks/meta';

const recording = recordingMetaOptions;

const expectChallenge = async (response: Response) => {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(await response.text()).toBe('1158201444');
};

describe('App Router: export const { GET, POST } = metaWebhook(options)', () => {
  const post = (url: string, body: object | string = batchedMetaBody().body, secret = APP_SECRET) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const signed = signedRequest(raw, secret, { format: 'meta' });
    return new Request(url, { method: 'POST', headers: signed.headers, body: signed.body });
  };

  it('GET answers the handshake with the challenge; a wrong token 403, no challenge 400, no hub.mode 405', async () => {
    const { GET } = metaWebhook(recording().options);
    await expectChallenge(await GET(new Request(ROUTE + handshakeQuery())));

    const wrong = await toDeliveryResponse(await GET(new Request(ROUTE + handshakeQuery('not-the-token'))));
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'verification_failed']);
    const noChallenge = await toDeliveryResponse(
      await GET(new Request(`${ROUTE}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`)),
    );
    expect([noChallenge.status, noChallenge.body.error.code]).toEqual([400, 'invalid_challenge']);
    const bare = await toDeliveryResponse(await GET(new Request(ROUTE)));
    expect([bare.status, bare.body.error.code, bare.headers.allow]).toEqual([405, 'method_not_allowed', 'GET, POST']);
  });

  it('POST handles a signed delivery of several items once per item, and its resend as a duplicate', async () => {
    const { options, seen } = recording();
    const { POST } = metaWebhook(options);
    const { body, items } = batchedMetaBody();

    const first = await toDeliveryResponse(await POST(post(ROUTE, body)));
    const resent = await toDeliveryResponse(await POST(post(ROUTE, body)));

    expect([first.status, first.body]).toEqual([200, { ok: true }]);
    expect([resent.status, resent.body]).toEqual([200, { ok: true, duplicate: true }]);
    expect(seen).toHaveLength(items.length);
    seen.forEach((event, i) => expectBatchItem(event, items[i]!));
  });

  it('refuses a delivery signed with another app secret with 401 and runs no handler', async () => {
    const { options, seen } = recording();
    const { POST } = metaWebhook(options);
    const response = await toDeliveryResponse(await POST(post(ROUTE, batchedMetaBody().body, 'another-app-secret')));
    expect([response.status, response.body.error.code]).toEqual([401, 'invalid_signature']);
    expect(seen).toEqual([]);
  });

  it('the route file decides the URL: options.path is not used', async () => {
    const { options, seen } = recording({ path: '/somewhere/else' });
    const { GET, POST } = metaWebhook(options);
    await expectChallenge(await GET(new Request(`http://localhost:3000/api/whatsapp${handshakeQuery()}`)));
    expect((await POST(post('http://localhost:3000/api/whatsapp'))).status).toBe(200);
    expect(seen).toHaveLength(5);
  });

  it('a route that read the body first gets 500 raw_body_unavailable', async () => {
    const { options, seen } = recording();
    const { POST } = metaWebhook(options);
    const request = post(ROUTE);
    await request.text();
    const response = await toDeliveryResponse(await POST(request));
    expect([response.status, response.body.error.code]).toEqual([500, 'raw_body_unavailable']);
    expect(seen).toEqual([]);
  });

  it('beside vobizWebhook in another route file, with the same handlers', async () => {
    const { options, seen } = recording();
    const vobizRoute = { POST: vobizWebhook({ secret: VOBIZ_SECRET, logger: false, on: options.on }) };
    const metaRoute = metaWebhook(options);
    const vobizEvent = createTestEvent('message.inbound');
    const signed = signedRequest(vobizEvent, VOBIZ_SECRET);

    const vobiz = await vobizRoute.POST(
      new Request('http://localhost:3000/api/webhooks/vobiz', { method: 'POST', ...signed }),
    );
    const meta = await metaRoute.POST(post(ROUTE));
    const crossed = await toDeliveryResponse(await metaRoute.POST(new Request(ROUTE, { method: 'POST', ...signed })));

    expect([vobiz.status, meta.status]).toEqual([200, 200]);
    expect(seen.map((e) => e.source)).toEqual(['vobiz', 'meta', 'meta', 'meta', 'meta', 'meta']);
    expect([crossed.status, crossed.body.error.code]).toEqual([401, 'missing_signature']);
    expect(crossed.body.error.message).toContain('vobizWebhook');
  });

  it('types: an object of two Fetch API route handlers', () => {
    const handlers = metaWebhook(recording().options);
    expectTypeOf(handlers).toEqualTypeOf<MetaRouteHandlers>();
    expectTypeOf(handlers.GET).toEqualTypeOf<VobizRouteHandler>();
    expectTypeOf(handlers.POST).toEqualTypeOf<(request: Request) => Promise<Response>>();
    // @ts-expect-error metaWebhook takes the app secret, not Vobiz's `secret`
    expect(() => metaWebhook({ secret: 'x', verifyToken: VERIFY_TOKEN, on: {} })).toThrow(/appSecret/);
    expect(Object.keys(handlers).sort()).toEqual(['GET', 'POST']);
  });
});

describe('Pages Router: export default metaWebhook(options)', () => {
  const servers: Listening[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((served) => served.close()));
  });

  /** What Next's API body parser does: read the whole stream, then set `req.body` to parsed JSON. */
  async function nextBodyParser(req: PagesApiRequest): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    req.body = /json/.test(req.headers['content-type'] ?? '') ? JSON.parse(text) : text;
  }

  /** API routes by path, as `pages/api/…` files; Next's parser on or off (`config.api.bodyParser`). */
  async function serve(routes: Record<string, VobizPagesHandler>, bodyParser = false): Promise<string> {
    const served = await listen((req: IncomingMessage, res: ServerResponse) => {
      const route = routes[new URL(req.url ?? '/', 'http://localhost').pathname];
      const run = async () => {
        if (route === undefined) {
          res.writeHead(404).end('no such page');
          return;
        }
        if (bodyParser) await nextBodyParser(req);
        await route(req, res);
      };
      run().catch((error: unknown) => {
        res.statusCode = 599;
        res.end(String(error));
      });
    });
    servers.push(served);
    return served.origin;
  }

  const post = (url: string, body: object = batchedMetaBody().body, secret = APP_SECRET) => {
    const signed = signedRequest(body, secret);
    return fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  };

  it('answers the handshake (GET) and a batch of items (POST), each item once', async () => {
    const { options, seen } = recording();
    const origin = await serve({ '/api/webhooks/meta': metaPagesWebhook(options) });
    const url = `${origin}/api/webhooks/meta`;

    await expectChallenge(await fetch(url + handshakeQuery()));
    const wrong = await toDeliveryResponse(await fetch(url + handshakeQuery('not-the-token')));
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'verification_failed']);
    const { body, items } = batchedMetaBody();
    expect(await (await post(url, body)).json()).toEqual({ ok: true });
    expect(await (await post(url, body)).json()).toEqual({ ok: true, duplicate: true });
    expect(seen).toHaveLength(items.length);
    seen.forEach((event, i) => expectBatchItem(event, items[i]!));
  });

  it("with Next's body parser left on: deliveries get 500 raw_body_unavailable naming the config line", async () => {
    const { options, seen } = recording();
    const origin = await serve({ '/api/webhooks/meta': metaPagesWebhook(options) }, true);
    const url = `${origin}/api/webhooks/meta`;

    // The handshake has no body, so it still works; every delivery fails until the config line is added.
    await expectChallenge(await fetch(url + handshakeQuery()));
    const response = await toDeliveryResponse(await post(url));
    expect([response.status, response.body.error.code]).toEqual([500, 'raw_body_unavailable']);
    expect(response.body.error.message).toContain('export const config = { api: { bodyParser: false } }');
    expect(seen).toEqual([]);
  });

  it('beside vobizWebhook in another API route, with the same handlers', async () => {
    const { options, seen } = recording();
    const origin = await serve({
      '/api/webhooks/vobiz': vobizPagesWebhook({ secret: VOBIZ_SECRET, logger: false, on: options.on }),
      '/api/webhooks/meta': metaPagesWebhook(options),
    });
    const vobizEvent = createTestEvent('message.status');
    const signed = signedRequest(vobizEvent, VOBIZ_SECRET);

    const vobiz = await fetch(`${origin}/api/webhooks/vobiz`, { method: 'POST', ...signed });
    const meta = await post(`${origin}/api/webhooks/meta`);
    const crossed = await toDeliveryResponse(await post(`${origin}/api/webhooks/vobiz`));

    expect([vobiz.status, meta.status]).toEqual([200, 200]);
    expect(seen.map((e) => e.source)).toEqual(['vobiz', 'meta', 'meta', 'meta', 'meta', 'meta']);
    expect(seen[0]!.event_id).toBe(vobizEvent.event_id);
    expect([crossed.status, crossed.body.error.code]).toEqual([401, 'missing_signature']);
    expect(crossed.body.error.message).toContain('metaWebhook');
  });
});

describe('metaWebhook options during next build', () => {
  const previous = process.env.NEXT_PHASE;
  afterEach(() => {
    if (previous === undefined) delete process.env.NEXT_PHASE;
    else process.env.NEXT_PHASE = previous;
  });

  it('throws at once for a missing verify token outside the build', () => {
    delete process.env.NEXT_PHASE;
    const missing = { appSecret: APP_SECRET, verifyToken: undefined as unknown as string, on: {} };
    expect(() => metaWebhook(missing)).toThrow(/verifyToken/);
    expect(() => metaPagesWebhook(missing)).toThrow(/verifyToken/);
  });

  it('defers the check to the first request during next build', async () => {
    process.env.NEXT_PHASE = 'phase-production-build';
    const missing = { appSecret: APP_SECRET, verifyToken: undefined as unknown as string, on: {} };
    const { GET } = metaWebhook(missing);
    expect(() => metaPagesWebhook(missing)).not.toThrow();
    await expect(GET(new Request(ROUTE + handshakeQuery()))).rejects.toThrow(/verifyToken/);
  });

  it('answers normally once the options are complete, even when built during the build phase', async () => {
    process.env.NEXT_PHASE = 'phase-production-build';
    const { GET } = metaWebhook(recording().options);
    await expectChallenge(await GET(new Request(ROUTE + handshakeQuery())));
  });
});
