import {
  createMetaReceiver,
  createReceiver,
  readWebBody,
  type EventHandlers,
  type MetaWebhookOptions,
  type Receiver,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';

/** A Fetch API handler: `Bun.serve({ fetch })`, `Deno.serve(handler)`, a router's route. */
export type VobizFetchHandler = (request: Request) => Promise<Response>;

/** A Workers `fetch`: `export default { fetch: vobizWebhook((env: Env) => options) }`. */
export type VobizEnvFetchHandler<Env> = (request: Request, env: Env, ctx?: unknown) => Promise<Response>;

/** Options built from a Workers `env`, where the secret is known only once a request arrives. */
export type VobizOptionsFromEnv<Env> = (env: Env) => VobizWebhookOptions;

/** `metaWebhook`'s options built from a Workers `env`. */
export type MetaOptionsFromEnv<Env> = (env: Env) => MetaWebhookOptions;

/** Bindings as plain strings, for a factory whose `env` is not annotated. */
export type UntypedEnv = Record<string, string | undefined>;

/** Every key of any member of a union of options. */
type KeysOf<Options> = Options extends unknown ? keyof Options : never;
/** `T`, with every key `Keys` does not name typed `never`: a misspelled key is an error naming it. */
type OnlyKeys<T, Keys extends PropertyKey> = T & { [Key in Exclude<keyof T, Keys>]: never };
/**
 * What a factory returns, held to the keys of `Options` and its `on` to the handler keys.
 * A function's returned object literal gets no excess-property check of its own (TypeScript
 * checks only literals written where the type is expected), so without this a factory's
 * `'message.recieved'` or `sekret` would compile, where the plain options form refuses it.
 * Each member of a union (a factory with two `return`s) is held on its own.
 */
type Exact<Returned, Options> = Returned extends unknown
  ? OnlyKeys<Returned, KeysOf<Options>> &
      (Returned extends { on: infer On } ? { on: OnlyKeys<On, keyof EventHandlers> } : unknown)
  : never;

/** Which receiver a handler is built on, and how its 404 names where deliveries go. */
interface Source<Options> {
  create(options: Options): Receiver;
  /** Followed by the configured path. */
  receivedAt: string;
}

const VOBIZ: Source<VobizWebhookOptions> = {
  create: createReceiver,
  receivedAt: 'Vobiz webhooks are received at POST',
};
const META: Source<MetaWebhookOptions> = {
  create: createMetaReceiver,
  receivedAt: "Meta's webhooks are received at GET (the handshake) and POST",
};

type Serve = (receiver: Receiver, receivedAt: string) => VobizFetchHandler;

/** Answers a delivery whatever its URL: the route that called this already chose it. */
async function respond(receiver: Receiver, request: Request): Promise<Response> {
  const result = await receiver.receive({
    method: request.method,
    // Only Meta's GET handshake reads it, for its query.
    url: request.url,
    headers: request.headers,
    // Lazy, so a wrong method or content type is answered without reading the body.
    rawBody: (limit) => readWebBody(request, limit),
  });
  return new Response(result.body, { status: result.status, headers: result.headers });
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

// Names the configured path, not the requested one, so a subscription pointed at the wrong URL is easy to fix.
const notFound = (message: string): Response =>
  new Response(JSON.stringify({ ok: false, error: { code: 'not_found', message } }), {
    status: 404,
    headers: JSON_HEADERS,
  });

// A bare server sends every request to its one handler, so the path is checked here.
const servePath: Serve = (receiver, receivedAt) => {
  const message = `${receivedAt} ${receiver.path}.`;
  return async (request) =>
    receiver.matchesPath(new URL(request.url).pathname) ? respond(receiver, request) : notFound(message);
};

const serveAll: Serve = (receiver) => (request) => respond(receiver, request);

/** Workers hand bindings to each request, not to the module: build once per env object, on its first request. */
function perEnv<Options, Env>(
  optionsOf: (env: Env) => Options,
  build: (options: Options) => VobizFetchHandler,
): VobizEnvFetchHandler<Env> {
  const built = new WeakMap<object, VobizFetchHandler>();
  const noEnv = {};
  return async (request, env) => {
    const key = (typeof env === 'object' && env !== null) || typeof env === 'function' ? env : noEnv;
    let handler = built.get(key);
    if (handler === undefined) {
      // A throw (a missing secret) is not cached: it fails every request, loudly, until fixed.
      handler = build(optionsOf(env));
      built.set(key, handler);
    }
    return handler(request);
  };
}

/** Every exported handler: options now, or a function of a Workers `env` built on its first request. */
function handlerOf<Options, Env>(source: Source<Options>, serve: Serve, options: Options | ((env: Env) => Options)) {
  const build = (resolved: Options) => serve(source.create(resolved), source.receivedAt);
  return typeof options === 'function' ? perEnv(options as (env: Env) => Options, build) : build(options);
}

/**
 * For a bare `fetch` (Bun, Deno, Workers): answers POST on `options.path` (default
 * `/webhooks/vobiz`), 405 there for other methods, and 404 JSON on every other path.
 * Given a function of `env`, returns a Workers `fetch(request, env, ctx)`.
 */
// The function first: tried against the options type first, its returned literals would widen.
export function vobizWebhook<Env = UntypedEnv, Returned extends VobizWebhookOptions = VobizWebhookOptions>(
  options: (env: Env) => Exact<Returned, VobizWebhookOptions>,
): VobizEnvFetchHandler<Env>;
export function vobizWebhook(options: VobizWebhookOptions): VobizFetchHandler;
export function vobizWebhook<Env>(options: VobizWebhookOptions | VobizOptionsFromEnv<Env>) {
  return handlerOf(VOBIZ, servePath, options);
}

/**
 * For a route that already matched the path (Hono, itty-router, Remix actions, Next.js):
 * answers every request it is given, so `options.path` is not used.
 */
// The function first: tried against the options type first, its returned literals would widen.
export function vobizRouteHandler<Env = UntypedEnv, Returned extends VobizWebhookOptions = VobizWebhookOptions>(
  options: (env: Env) => Exact<Returned, VobizWebhookOptions>,
): VobizEnvFetchHandler<Env>;
export function vobizRouteHandler(options: VobizWebhookOptions): VobizFetchHandler;
export function vobizRouteHandler<Env>(options: VobizWebhookOptions | VobizOptionsFromEnv<Env>) {
  return handlerOf(VOBIZ, serveAll, options);
}

/**
 * Meta's WhatsApp Cloud API, received directly, as a bare `fetch`: answers the `GET`
 * subscription handshake and signed `POST` deliveries on `options.path` (default
 * `/webhooks/meta`), 405 there for other methods, and 404 JSON on every other path.
 * Given a function of `env`, returns a Workers `fetch(request, env, ctx)`.
 */
// The function first: tried against the options type first, its returned literals would widen.
export function metaWebhook<Env = UntypedEnv, Returned extends MetaWebhookOptions = MetaWebhookOptions>(
  options: (env: Env) => Exact<Returned, MetaWebhookOptions>,
): VobizEnvFetchHandler<Env>;
export function metaWebhook(options: MetaWebhookOptions): VobizFetchHandler;
export function metaWebhook<Env>(options: MetaWebhookOptions | MetaOptionsFromEnv<Env>) {
  return handlerOf(META, servePath, options);
}

/**
 * `metaWebhook` for a route that already matched the path (Next.js, Hono, itty-router):
 * answers every `GET` and `POST` it is given, so `options.path` is not used.
 */
// The function first: tried against the options type first, its returned literals would widen.
export function metaRouteHandler<Env = UntypedEnv, Returned extends MetaWebhookOptions = MetaWebhookOptions>(
  options: (env: Env) => Exact<Returned, MetaWebhookOptions>,
): VobizEnvFetchHandler<Env>;
export function metaRouteHandler(options: MetaWebhookOptions): VobizFetchHandler;
export function metaRouteHandler<Env>(options: MetaWebhookOptions | MetaOptionsFromEnv<Env>) {
  return handlerOf(META, serveAll, options);
}
