import { createReceiver, readWebBody, type Receiver, type VobizWebhookOptions } from '@vobiz-webhooks/core';

/** A Fetch API handler: `Bun.serve({ fetch })`, `Deno.serve(handler)`, a router's route. */
export type VobizFetchHandler = (request: Request) => Promise<Response>;

/** A Workers `fetch`: `export default { fetch: vobizWebhook((env: Env) => options) }`. */
export type VobizEnvFetchHandler<Env> = (request: Request, env: Env, ctx?: unknown) => Promise<Response>;

/** Options built from a Workers `env`, where the secret is known only once a request arrives. */
export type VobizOptionsFromEnv<Env> = (env: Env) => VobizWebhookOptions;

/** Bindings as plain strings, for a factory whose `env` is not annotated. */
export type UntypedEnv = Record<string, string | undefined>;

type Serve = (receiver: Receiver) => VobizFetchHandler;

/** Answers a delivery whatever its URL: the route that called this already chose it. */
async function respond(receiver: Receiver, request: Request): Promise<Response> {
  const result = await receiver.receive({
    method: request.method,
    headers: request.headers,
    // Lazy, so a wrong method or content type is answered without reading the body.
    rawBody: (limit) => readWebBody(request, limit),
  });
  return new Response(result.body, { status: result.status, headers: result.headers });
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

// Names the configured path, not the requested one, so a subscription pointed at the wrong URL is easy to fix.
const notFound = (path: string): Response =>
  new Response(
    JSON.stringify({
      ok: false,
      error: { code: 'not_found', message: `Vobiz webhooks are received at POST ${path}.` },
    }),
    { status: 404, headers: JSON_HEADERS },
  );

// A bare server sends every request to its one handler, so the path is checked here.
const servePath: Serve = (receiver) => async (request) =>
  receiver.matchesPath(new URL(request.url).pathname) ? respond(receiver, request) : notFound(receiver.path);

const serveAll: Serve = (receiver) => (request) => respond(receiver, request);

/** Workers hand bindings to each request, not to the module: build once per env object, on its first request. */
function perEnv<Env>(optionsOf: VobizOptionsFromEnv<Env>, serve: Serve): VobizEnvFetchHandler<Env> {
  const built = new WeakMap<object, VobizFetchHandler>();
  const noEnv = {};
  return async (request, env) => {
    const key = (typeof env === 'object' && env !== null) || typeof env === 'function' ? env : noEnv;
    let handler = built.get(key);
    if (handler === undefined) {
      // A throw (a missing secret) is not cached: it fails every request, loudly, until fixed.
      handler = serve(createReceiver(optionsOf(env)));
      built.set(key, handler);
    }
    return handler(request);
  };
}

/**
 * For a bare `fetch` (Bun, Deno, Workers): answers POST on `options.path` (default
 * `/webhooks/vobiz`), 405 there for other methods, and 404 JSON on every other path.
 * Given a function of `env`, returns a Workers `fetch(request, env, ctx)`.
 */
// The function first: tried against the options type first, its returned literals would widen.
export function vobizWebhook<Env = UntypedEnv>(options: VobizOptionsFromEnv<Env>): VobizEnvFetchHandler<Env>;
export function vobizWebhook(options: VobizWebhookOptions): VobizFetchHandler;
export function vobizWebhook<Env>(options: VobizWebhookOptions | VobizOptionsFromEnv<Env>) {
  return typeof options === 'function' ? perEnv(options, servePath) : servePath(createReceiver(options));
}

/**
 * For a route that already matched the path (Hono, itty-router, Remix actions, Next.js):
 * answers every request it is given, so `options.path` is not used.
 */
// The function first: tried against the options type first, its returned literals would widen.
export function vobizRouteHandler<Env = UntypedEnv>(options: VobizOptionsFromEnv<Env>): VobizEnvFetchHandler<Env>;
export function vobizRouteHandler(options: VobizWebhookOptions): VobizFetchHandler;
export function vobizRouteHandler<Env>(options: VobizWebhookOptions | VobizOptionsFromEnv<Env>) {
  return typeof options === 'function' ? perEnv(options, serveAll) : serveAll(createReceiver(options));
}
