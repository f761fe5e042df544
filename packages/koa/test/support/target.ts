import Router from '@koa/router';
import Koa from 'koa';
import Koa2 from 'koa2';
import request from 'supertest';
import type { MetaWebhookOptions, VobizWebhookOptions } from '@vobiz-webhooks/core';
import { metaWebhook, vobizWebhook, type VobizKoaMiddleware } from '@vobiz-webhooks/koa';
import type {
  DeliveryRequest,
  DeliveryResponse,
  MakeMetaTarget,
  MakeTarget,
  Target,
} from '@vobiz-webhooks/test-suites';

export type KoaVersion = 2 | 3;

export interface KoaTargetOptions {
  koa: KoaVersion;
  /**
   * `root`: `app.use(mw)` (the default). With @koa/router: `router.post`, as the README
   * shows (other methods get allowedMethods' 405), or `router.all`, so every method
   * reaches the pipeline and gets its JSON 405.
   */
  mount?: 'root' | 'router.post' | 'router.all';
  /** Middleware mounted before the webhook, e.g. a body parser. */
  before?: Koa.Middleware[];
}

export const DEFAULT_PATH = '/webhooks/vobiz';
/** `metaWebhook`'s default path. */
export const META_DEFAULT_PATH = '/webhooks/meta';

/** Any Koa app, whatever context type its `use()` chain inferred. */
export type KoaApp = Pick<Koa, 'callback'>;

/** A fresh Koa 3 (`koa`) or Koa 2 (`koa2`) application. */
export function newKoaApp(version: KoaVersion): Koa {
  return version === 3 ? new Koa() : new Koa2();
}

/** Sends one request through supertest to a Koa app and returns it as the conformance suite reads it. */
export async function deliver(
  app: KoaApp,
  { method = 'POST', path = DEFAULT_PATH, headers = {}, body }: DeliveryRequest,
): Promise<DeliveryResponse> {
  let req = request(app.callback())[method.toLowerCase() as 'post'](path);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  // Byte for byte: superagent would give a string a form content type, and JSON-encode a
  // Buffer sent as application/json, so send a Buffer through an identity serializer.
  const res = body === undefined ? await req : await req.serialize((bytes) => bytes).send(Buffer.from(body));
  const text = res.text ?? '';
  let parsed: unknown = text;
  if (/json/.test(String(res.headers['content-type'] ?? ''))) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers as Record<string, string>, body: parsed };
}

/**
 * Koa apps wired like a user would, for either receiver: at the root with
 * `app.use(webhook(options))`, or on a @koa/router route at `options.path`, with the
 * router's routes and allowedMethods.
 */
function koaTargets<Options extends { path?: string }>(
  webhook: (options: Options) => VobizKoaMiddleware,
  defaultPath: string,
): (target: KoaTargetOptions) => (options: Options) => Target {
  return ({ koa, mount = 'root', before = [] }) =>
    (options) => {
      const app = newKoaApp(koa);
      for (const middleware of before) app.use(middleware);
      const path = options.path ?? defaultPath;
      if (mount === 'root') {
        app.use(webhook(options));
      } else {
        const router = new Router();
        router[mount === 'router.post' ? 'post' : 'all'](path, webhook(options));
        app.use(router.routes()).use(router.allowedMethods());
      }
      return { send: (delivery) => deliver(app, { path, ...delivery }) };
    };
}

/** `vobizWebhook` in a Koa app. */
export const makeKoaTarget: (target: KoaTargetOptions) => MakeTarget = koaTargets<VobizWebhookOptions>(
  vobizWebhook,
  DEFAULT_PATH,
);

/** `metaWebhook` in a Koa app: mount `root` or `router.all`, since a `router.post` route never sees the handshake. */
export const makeKoaMetaTarget: (target: KoaTargetOptions) => MakeMetaTarget = koaTargets<MetaWebhookOptions>(
  metaWebhook,
  META_DEFAULT_PATH,
);
