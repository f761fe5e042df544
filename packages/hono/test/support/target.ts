import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import request from 'supertest';
import type { MetaWebhookOptions, VobizWebhookOptions } from '@vobiz-webhooks/core';
import { metaMiddleware, metaWebhook, vobizMiddleware, vobizWebhook } from '@vobiz-webhooks/hono';
import {
  toDeliveryResponse,
  type DeliveryRequest,
  type DeliveryResponse,
  type MakeMetaTarget,
  type MakeTarget,
  type Target,
} from '@vobiz-webhooks/test-suites';

export const DEFAULT_PATH = '/webhooks/vobiz';
export const META_PATH = '/webhooks/meta';

/**
 * `handler`: `app.all(path, vobizWebhook(o))`, so every method reaches the pipeline and gets its
 * JSON 405. `middleware`: `app.use(vobizMiddleware(o))` at the root, with other routes beside it.
 * For Meta, `routes` is `app.on(['GET', 'POST'], path, metaWebhook(o))`, as its README mounts it.
 */
export type Mount = 'handler' | 'middleware';
export type MetaMount = Mount | 'routes';

export function honoApp(options: VobizWebhookOptions, mount: Mount): Hono {
  const app = new Hono();
  if (mount === 'handler') app.all(options.path ?? DEFAULT_PATH, vobizWebhook(options));
  else app.use(vobizMiddleware(options));
  app.get('/health', (c) => c.text('ok'));
  return app;
}

/** `metaWebhook` mounted the given way, beside vobizWebhook and an ordinary route. */
export function honoMetaApp(options: MetaWebhookOptions, mount: MetaMount): Hono {
  const app = new Hono();
  app.post(DEFAULT_PATH, vobizWebhook({ secret: 'whsec_beside_meta', logger: false, on: {} }));
  const path = options.path ?? META_PATH;
  if (mount === 'handler') app.all(path, metaWebhook(options));
  else if (mount === 'routes') app.on(['GET', 'POST'], path, metaWebhook(options));
  else app.use(metaMiddleware(options));
  app.get('/health', (c) => c.text('ok'));
  return app;
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}
/** How a target hands the app a request. */
type Transport = (app: Hono) => (request: Sent) => Promise<DeliveryResponse>;

/** Through `app.request()`: Hono's own in-process entry, the one Bun, Deno and Workers call as `app.fetch`. */
const viaRequest: Transport =
  (app) =>
  async ({ method, path, headers, body }) => {
    const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
    const init: RequestInit = { method, headers, ...(hasBody ? { body: body as BodyInit } : {}) };
    return toDeliveryResponse(await app.request(`http://localhost${path}`, init));
  };

/** Over real HTTP through @hono/node-server's request listener (what `serve()` mounts on node:http). */
const viaNodeServer: Transport = (app) => {
  const listener = getRequestListener(app.fetch);
  return async ({ method, path, headers, body }) => {
    let req = request(listener)[method.toLowerCase() as 'post'](path);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    // Byte for byte: superagent would JSON-encode a Buffer sent as application/json.
    const res = body === undefined ? await req : await req.serialize((bytes) => bytes).send(Buffer.from(body));
    const text = res.text ?? '';
    let parsed: unknown = text;
    if (/json/.test(String(res.headers['content-type'] ?? ''))) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers as Record<string, string>, body: parsed };
  };
};

function targetOver(app: Hono, defaultPath: string, transport: Transport): Target {
  const send = transport(app);
  return {
    send: ({ method = 'POST', path = defaultPath, headers = {}, body }: DeliveryRequest) =>
      send({ method, path, headers, ...(body === undefined ? {} : { body }) }),
  };
}

export const makeRequestTarget =
  (mount: Mount): MakeTarget =>
  (options) =>
    targetOver(honoApp(options, mount), options.path ?? DEFAULT_PATH, viaRequest);

export const makeNodeServerTarget =
  (mount: Mount): MakeTarget =>
  (options) =>
    targetOver(honoApp(options, mount), options.path ?? DEFAULT_PATH, viaNodeServer);

export const makeMetaRequestTarget =
  (mount: MetaMount): MakeMetaTarget =>
  (options) =>
    targetOver(honoMetaApp(options, mount), options.path ?? META_PATH, viaRequest);

export const makeMetaNodeServerTarget =
  (mount: MetaMount): MakeMetaTarget =>
  (options) =>
    targetOver(honoMetaApp(options, mount), options.path ?? META_PATH, viaNodeServer);
