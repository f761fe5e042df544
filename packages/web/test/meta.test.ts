import type { VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import {
  expectOk,
  expectRefusal,
  handshakeQuery,
  META_APP_SECRET as APP_SECRET,
  META_VERIFY_TOKEN as VERIFY_TOKEN,
  recordingMetaOptions,
  threeItemMetaBody,
} from '@vobiz-webhooks/test-suites';
import { metaRouteHandler, metaWebhook, vobizWebhook } from '@vobiz-webhooks/web';
import { toDeliveryResponse, toRequest } from './support/target';

const PATH = '/webhooks/meta';

const recording = recordingMetaOptions;

const batch = threeItemMetaBody;

const handshake = (token = VERIFY_TOKEN, challenge = 'challenge-1158201444', path = PATH) =>
  toRequest({ method: 'GET', path: `${path}${handshakeQuery(token, challenge)}` });

const delivery = (body: object, path = PATH, secret = APP_SECRET) =>
  toRequest({ path, ...signedRequest(body, secret) });

describe('metaWebhook(options): a bare fetch handler for Meta', () => {
  it('answers the handshake with the challenge as plain text when the verify token matches', async () => {
    const fetch = metaWebhook(recording().options);
    const response = await fetch(handshake());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('challenge-1158201444');
  });

  it('refuses a wrong verify token 403, a bad challenge 400, and a GET without hub.mode 405', async () => {
    const fetch = metaWebhook(recording().options);
    expectRefusal(await toDeliveryResponse(await fetch(handshake('wrong-token'))), 403, 'verification_failed');
    expectRefusal(await toDeliveryResponse(await fetch(handshake(VERIFY_TOKEN, ''))), 400, 'invalid_challenge');
    const bare = await toDeliveryResponse(await fetch(toRequest({ method: 'GET', path: PATH })));
    expectRefusal(bare, 405, 'method_not_allowed');
    expect(bare.headers.allow).toBe('GET, POST');
  });

  it('handles a signed delivery once per item, and a redelivery as a duplicate', async () => {
    const { options, seen } = recording();
    const fetch = metaWebhook(options);
    const body = batch();
    expectOk(await toDeliveryResponse(await fetch(delivery(body))));
    expect(seen.map((e) => [e.event_type, e.source])).toEqual([
      ['message.inbound', 'meta'],
      ['message.status', 'meta'],
      ['message.inbound', 'meta'],
    ]);
    expect(new Set(seen.map((e) => e.event_id)).size).toBe(3);
    expectOk(await toDeliveryResponse(await fetch(delivery(body))), true);
    expect(seen).toHaveLength(3);
  });

  it('refuses a delivery signed with another secret 401, handling nothing', async () => {
    const { options, seen } = recording();
    const response = await toDeliveryResponse(
      await metaWebhook(options)(delivery(batch(), PATH, 'not_the_app_secret')),
    );
    expectRefusal(response, 401, 'invalid_signature');
    expect(seen).toEqual([]);
  });

  it('answers 405 with Allow: GET, POST for other methods, and 404 elsewhere naming the path', async () => {
    const fetch = metaWebhook(recording({ path: '/hooks/meta' }).options);
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(toRequest({ method, path: '/hooks/meta' }));
      expect([method, response.status, response.headers.get('allow')]).toEqual([method, 405, 'GET, POST']);
    }
    const request = delivery(batch(), PATH);
    const elsewhere = await toDeliveryResponse(await fetch(request));
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.message).toBe(
      "Meta's webhooks are received at GET (the handshake) and POST /hooks/meta.",
    );
    expect(request.bodyUsed).toBe(false);
    expect((await fetch(handshake(VERIFY_TOKEN, 'c', '/hooks/meta/'))).status).toBe(200);
  });

  it('throws at construction for bad options', () => {
    expect(() => metaWebhook({ appSecret: APP_SECRET, verifyToken: '', on: {} })).toThrow(/verifyToken/);
    expect(() => metaWebhook({ appSecret: APP_SECRET, verifyToken: 'v', path: 'meta', on: {} })).toThrow(
      /must start with '\/'/,
    );
  });

  it('sits beside vobizWebhook, each answering its own source only', async () => {
    const meta = recording();
    const vobizSeen: VobizEvent[] = [];
    const handlers = [
      metaWebhook(meta.options),
      vobizWebhook({ secret: 'whsec_beside', logger: false, on: { '*': (e) => void vobizSeen.push(e) } }),
    ];
    // A server trying each: the first answer that is not 404 wins.
    const fetch = async (request: Request) => {
      for (const handler of handlers) {
        const response = await handler(request.clone());
        if (response.status !== 404) return response;
      }
      return new Response(null, { status: 404 });
    };
    expectOk(await toDeliveryResponse(await fetch(delivery(batch()))));
    const vobizEvent = createTestEvent('message.inbound');
    const vobizDelivery = toRequest({ path: '/webhooks/vobiz', ...signedRequest(vobizEvent, 'whsec_beside') });
    expectOk(await toDeliveryResponse(await fetch(vobizDelivery)));
    expect(meta.seen.map((e) => e.source)).toEqual(['meta', 'meta', 'meta']);
    expect(vobizSeen.map((e) => [e.event_id, e.source])).toEqual([[vobizEvent.event_id, 'vobiz']]);
    // A Meta body at the Vobiz path is refused: its signature header is not one vobizWebhook accepts.
    expect((await fetch(delivery(batch(), '/webhooks/vobiz'))).status).toBe(401);
  });
});

describe('metaRouteHandler(options): behind a router that matched the path', () => {
  it('answers the handshake and deliveries on any path, ignoring options.path', async () => {
    const { options, seen } = recording({ path: '/unused' });
    const fetch = metaRouteHandler(options);
    expect(await (await fetch(handshake(VERIFY_TOKEN, 'abc', '/api/whatsapp'))).text()).toBe('abc');
    expectOk(await toDeliveryResponse(await fetch(delivery(batch(), '/api/whatsapp'))));
    expect(seen).toHaveLength(3);
  });
});

describe('metaWebhook((env) => options): Workers, where the secrets are in env', () => {
  interface Env {
    META_APP_SECRET: string;
    META_VERIFY_TOKEN: string;
  }

  it('builds the receiver on the first request, once per env object', async () => {
    const seen: string[] = [];
    const envs: Env[] = [];
    const fetch = metaWebhook((env: Env) => {
      envs.push(env);
      return {
        appSecret: env.META_APP_SECRET,
        verifyToken: env.META_VERIFY_TOKEN,
        logger: false,
        on: { '*': (e) => void seen.push(e.event_id) },
      };
    });
    expect(envs).toHaveLength(0);
    const env = { META_APP_SECRET: APP_SECRET, META_VERIFY_TOKEN: 'from-env' };
    expect(await (await fetch(handshake('from-env', 'xyz'), env, {})).text()).toBe('xyz');
    const body = batch();
    expectOk(await toDeliveryResponse(await fetch(delivery(body), env, {})));
    // The same env: the same receiver, so its memory dedupe store knows the items.
    expectOk(await toDeliveryResponse(await fetch(delivery(body), env, {})), true);
    expect(envs).toEqual([env]);
    expect(seen).toHaveLength(3);
  });

  it('rejects every request while the options fail, and recovers once they do not', async () => {
    let calls = 0;
    const fetch = metaWebhook((env: Partial<Env>) => {
      calls += 1;
      return { appSecret: APP_SECRET, verifyToken: env.META_VERIFY_TOKEN as string, logger: false, on: {} };
    });
    await expect(fetch(handshake(), {})).rejects.toThrow(/verifyToken/);
    await expect(fetch(handshake(), {})).rejects.toThrow(/verifyToken/);
    expect(calls).toBe(2);
    expect((await fetch(handshake(), { META_VERIFY_TOKEN: VERIFY_TOKEN })).status).toBe(200);
  });
});
