import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import request from 'supertest';
import type { VobizWebhookOptions } from '@vobiz-webhooks/core';
import { vobizMiddleware, vobizWebhook } from '@vobiz-webhooks/hono';
import { toDeliveryResponse, type DeliveryRequest, type MakeTarget, type Target } from '@vobiz-webhooks/test-suites';

export const DEFAULT_PATH = '/webhooks/vobiz';

/**
 * `handler`: `app.all(path, vobizWebhook(o))`, so every method reaches the pipeline and gets its
 * JSON 405. `middleware`: `app.use(vobizMiddleware(o))` at the root, with other routes beside it.
 */
export type Mount = 'handler' | 'middleware';

export function honoApp(options: VobizWebhookOptions, mount: Mount): Hono {
  const app = new Hono();
  if (mount === 'handler') app.all(options.path ?? DEFAULT_PATH, vobizWebhook(options));
  else app.use(vobizMiddleware(options));
  app.get('/health', (c) => c.text('ok'));
  return app;
}

/** Through `app.request()`: Hono's own in-process entry, the one Bun, Deno and Workers call as `app.fetch`. */
export const makeRequestTarget =
  (mount: Mount): MakeTarget =>
  (options: VobizWebhookOptions): Target => {
    const app = honoApp(options, mount);
    return {
      async send({ method = 'POST', path = options.path ?? DEFAULT_PATH, headers = {}, body }: DeliveryRequest) {
        const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
        const init: RequestInit = { method, headers, ...(hasBody ? { body: body as BodyInit } : {}) };
        return toDeliveryResponse(await app.request(`http://localhost${path}`, init));
      },
    };
  };

/** Over real HTTP through @hono/node-server's request listener (what `serve()` mounts on node:http). */
export const makeNodeServerTarget =
  (mount: Mount): MakeTarget =>
  (options: VobizWebhookOptions): Target => {
    const listener = getRequestListener(honoApp(options, mount).fetch);
    return {
      async send({ method = 'POST', path = options.path ?? DEFAULT_PATH, headers = {}, body }: DeliveryRequest) {
        let req = request(listener)[method.toLowerCase() as 'post'](path);
        for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
        // Byte for byte: superagent would JSON-encode a Buffer sent as application/json.
        const res = body === undefined ? await req : await req.serialize((bytes) => bytes).send(Buffer.from(body));
        const text = res.text ?? '';
        let parsed: unknown = text;
        if (/json/.test(String(res.headers['content-type'] ?? ''))) parsed = JSON.parse(text);
        return { status: res.status, headers: res.headers as Record<string, string>, body: parsed };
      },
    };
  };
