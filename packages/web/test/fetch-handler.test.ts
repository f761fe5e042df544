import type { InlineOptions } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizRouteHandler, vobizWebhook } from '@vobiz-webhooks/web';
import { toDeliveryResponse, toRequest } from './support/target';

const SECRET = 'whsec_web_handler_test';

function recording(extra: Partial<InlineOptions> = {}) {
  const seen: string[] = [];
  const options: InlineOptions = { secret: SECRET, logger: false, on: { '*': (e) => void seen.push(e.event_id) } };
  return { options: { ...options, ...extra }, seen };
}

const delivery = (path = '/webhooks/vobiz', secret = SECRET, event: object = createTestEvent('message.inbound')) =>
  toRequest({ path, ...signedRequest(event, secret) });

describe('vobizWebhook(options): a bare fetch handler', () => {
  it('answers POST on the default path, with or without a trailing slash or a query string', async () => {
    const { options, seen } = recording();
    const fetch = vobizWebhook(options);
    for (const path of ['/webhooks/vobiz', '/webhooks/vobiz/', '/webhooks/vobiz?source=vobiz']) {
      expect((await fetch(delivery(path))).status).toBe(200);
    }
    expect(seen).toHaveLength(3);
  });

  it('answers 404 JSON on every other path, naming the configured one, and never reads the body', async () => {
    const { options, seen } = recording();
    const fetch = vobizWebhook(options);
    for (const path of ['/', '/webhooks', '/webhooks/vobiz/extra', '/WEBHOOKS/VOBIZ', '/favicon.ico']) {
      const request = delivery(path);
      const response = await toDeliveryResponse(await fetch(request));
      expect(response).toMatchObject({
        status: 404,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        body: {
          ok: false,
          error: { code: 'not_found', message: 'Vobiz webhooks are received at POST /webhooks/vobiz.' },
        },
      });
      expect(request.bodyUsed).toBe(false);
    }
    expect(seen).toEqual([]);
  });

  it('answers 405 with Allow: POST on the path for other methods, 404 for them elsewhere', async () => {
    const fetch = vobizWebhook(recording().options);
    for (const method of ['GET', 'HEAD', 'PUT', 'OPTIONS']) {
      const response = await fetch(toRequest({ method, path: '/webhooks/vobiz' }));
      expect([method, response.status, response.headers.get('allow')]).toEqual([method, 405, 'POST']);
      expect((await fetch(toRequest({ method, path: '/elsewhere' }))).status).toBe(404);
    }
  });

  it('answers options.path instead when given', async () => {
    const { options, seen } = recording({ path: '/hooks/whatsapp/' });
    const fetch = vobizWebhook(options);
    expect((await fetch(delivery('/hooks/whatsapp'))).status).toBe(200);
    const elsewhere = await toDeliveryResponse(await fetch(delivery('/webhooks/vobiz')));
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.message).toContain('POST /hooks/whatsapp.');
    expect(seen).toHaveLength(1);
  });

  it('throws at construction for bad options', () => {
    expect(() => vobizWebhook({ secret: ' whsec_padded ', on: {} })).toThrow(/whitespace/i);
    expect(() => vobizWebhook({ secret: SECRET, path: 'webhooks', on: {} })).toThrow(/must start with '\/'/);
  });
});

describe('vobizRouteHandler(options): behind a router that matched the path', () => {
  it('answers every path it is given, ignoring options.path', async () => {
    const { options, seen } = recording({ path: '/unused' });
    const fetch = vobizRouteHandler(options);
    expect((await fetch(delivery('/api/anything/vobiz'))).status).toBe(200);
    expect((await fetch(toRequest({ method: 'GET', path: '/api/anything/vobiz' }))).status).toBe(405);
    expect(seen).toHaveLength(1);
  });
});

describe('vobizWebhook((env) => options): Workers, where the secret is in env', () => {
  interface Env {
    VOBIZ_WEBHOOK_SECRET: string;
  }

  it('builds the receiver on the first request, once per env object, and uses the secret from env', async () => {
    const seen: string[] = [];
    const envs: Env[] = [];
    const fetch = vobizWebhook((env: Env) => {
      envs.push(env);
      return { secret: env.VOBIZ_WEBHOOK_SECRET, logger: false, on: { '*': (e) => void seen.push(e.event_id) } };
    });
    expect(envs).toHaveLength(0);
    const env = { VOBIZ_WEBHOOK_SECRET: 'whsec_from_env' };
    const event = createTestEvent('message.inbound');
    expect((await fetch(delivery(undefined, 'whsec_from_env', event), env, {})).status).toBe(200);
    // The same env: the same receiver, so its memory dedupe store knows the event.
    const again = await toDeliveryResponse(await fetch(delivery(undefined, 'whsec_from_env', event), env, {}));
    expect(again.body).toEqual({ ok: true, duplicate: true });
    expect((await fetch(delivery(undefined, SECRET), env)).status).toBe(401);
    expect(envs).toEqual([env]);

    // Another env object (another deployment's bindings in the same process): built for it.
    const rotated = { VOBIZ_WEBHOOK_SECRET: 'whsec_rotated' };
    expect((await fetch(delivery(undefined, 'whsec_rotated'), rotated)).status).toBe(200);
    expect(envs).toEqual([env, rotated]);
    expect(seen).toHaveLength(2);
  });

  it('rejects every request while the options fail (a missing binding), and recovers once they do not', async () => {
    let calls = 0;
    const fetch = vobizWebhook((env: Partial<Env>) => {
      calls += 1;
      return { secret: env.VOBIZ_WEBHOOK_SECRET as string, logger: false, on: {} };
    });
    const empty = {};
    await expect(fetch(delivery(), empty)).rejects.toThrow(/`secret` is missing/);
    await expect(fetch(delivery(), empty)).rejects.toThrow(/`secret` is missing/);
    expect(calls).toBe(2);
    expect((await fetch(delivery(), { VOBIZ_WEBHOOK_SECRET: SECRET })).status).toBe(200);
  });

  it('serves the path the same way, and a route handler from env answers any path', async () => {
    const env = { VOBIZ_WEBHOOK_SECRET: SECRET };
    const bare = vobizWebhook((e: Env) => ({ secret: e.VOBIZ_WEBHOOK_SECRET, logger: false, on: {} }));
    expect((await bare(delivery('/other'), env)).status).toBe(404);
    const route = vobizRouteHandler((e: Env) => ({ secret: e.VOBIZ_WEBHOOK_SECRET, logger: false, on: {} }));
    expect((await route(delivery('/other'), env)).status).toBe(200);
  });

  it('shares one receiver when called without an env object', async () => {
    let calls = 0;
    const fetch = vobizWebhook(() => (calls++, { secret: SECRET, logger: false, on: { '*': () => undefined } }));
    const event = createTestEvent('message.status');
    expect((await fetch(delivery(undefined, SECRET, event), undefined as never)).status).toBe(200);
    const again = await toDeliveryResponse(await fetch(delivery(undefined, SECRET, event), undefined as never));
    expect(again.body).toEqual({ ok: true, duplicate: true });
    expect(calls).toBe(1);
  });
});
