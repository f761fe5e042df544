import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifyRawBody from 'fastify-raw-body';
import { metaWebhook, vobizWebhook, type MetaFastifyOptions, type VobizFastifyOptions } from '@vobiz-webhooks/fastify';
import type { DeliveryRequest, DeliveryResponse, Target } from '@vobiz-webhooks/test-suites';

export const WEBHOOK_PATH = '/webhooks/vobiz';
export const META_PATH = '/webhooks/meta';

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text; // Not JSON (a HEAD answer, Fastify's own pages): keep the text.
  }
};

/** One delivery through `app.inject()`: no socket, the bytes handed over as they are. */
export async function inject(
  app: FastifyInstance,
  delivery: DeliveryRequest,
  path = WEBHOOK_PATH,
): Promise<DeliveryResponse> {
  const response = await app.inject({
    method: (delivery.method ?? 'POST') as 'POST',
    url: delivery.path ?? path,
    headers: delivery.headers ?? {},
    ...(delivery.body === undefined ? {} : { payload: Buffer.from(delivery.body) }),
  });
  const headers = response.headers as Record<string, string>;
  return { status: response.statusCode, headers, body: parsed(response.body) };
}

/**
 * One delivery over a connection of its own, with Node's client (which sends header bytes as given). Not
 * kept alive: Node's 431 for oversized headers closes the socket without saying so, and a kept-alive
 * client would send the next delivery into it.
 */
export function overHttp(origin: string, delivery: DeliveryRequest): Promise<DeliveryResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(delivery.path ?? WEBHOOK_PATH, origin);
    const body = delivery.body === undefined ? undefined : Buffer.from(delivery.body);
    // Node's client frames a DELETE or OPTIONS body only when told its length.
    const framed = body === undefined || delivery.headers?.['transfer-encoding'] !== undefined;
    const headers = { ...(framed ? {} : { 'content-length': String(body.length) }), ...delivery.headers };
    let answered = false;
    const req = httpRequest(url, { method: delivery.method ?? 'POST', headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = res.headers as Record<string, string>;
        resolve({ status: res.statusCode ?? 0, headers, body: parsed(Buffer.concat(chunks).toString('utf8')) });
      });
      res.on('error', reject);
    });
    // A refusal may come (and the server close) before the whole body is written: the answer is what counts.
    req.on('error', (error) => answered || reject(error));
    req.end(body);
  });
}

export async function serve(app: FastifyInstance): Promise<{ origin: string; close: () => Promise<void> }> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => app.close() };
}

type Setup<Options = VobizFastifyOptions> = (app: FastifyInstance, options: Options) => Promise<void>;

interface TargetOptions {
  http?: boolean;
  /** Where a delivery without a path goes. */
  path?: string;
  /** Put before every path, default or given: the register `prefix` the setup mounts under. */
  prefix?: string;
}

/** A target over a Fastify app that `setup` registers the plugin on, through inject or over HTTP. */
export function fastifyTarget<Options = VobizFastifyOptions>(
  setup: Setup<Options>,
  { http = false, path = WEBHOOK_PATH, prefix = '' }: TargetOptions = {},
): (options: Options) => Promise<Target> {
  const at = (delivery: DeliveryRequest) => ({ ...delivery, path: prefix + (delivery.path ?? path) });
  return async (options) => {
    const app = Fastify({ logger: false } satisfies FastifyServerOptions);
    await setup(app, options);
    if (!http) {
      await app.ready();
      return { send: (delivery) => inject(app, at(delivery)), close: () => app.close() } satisfies Target;
    }
    const served = await serve(app);
    return { send: (delivery) => overHttp(served.origin, at(delivery)), ...served };
  };
}

/** The one-line mount. */
export const plain: Setup = async (app, options) => {
  await app.register(vobizWebhook, options);
};

/** Under a register prefix. */
export const prefixed: Setup = async (app, options) => {
  await app.register(vobizWebhook, { ...options, prefix: '/hooks' });
};

/** Beside fastify-raw-body, on every route or only on those that ask for it. */
export const besideRawBody =
  (global: boolean): Setup =>
  async (app, options) => {
    await app.register(fastifyRawBody, { global, encoding: 'utf8', runFirst: true });
    await app.register(vobizWebhook, options);
  };

/** `metaWebhook`'s one-line mount. */
export const plainMeta: Setup<MetaFastifyOptions> = async (app, options) => {
  await app.register(metaWebhook, options);
};

/** `metaWebhook` under a register prefix. */
export const prefixedMeta: Setup<MetaFastifyOptions> = async (app, options) => {
  await app.register(metaWebhook, { ...options, prefix: '/hooks' });
};

/** `metaWebhook` beside `vobizWebhook` and an ordinary JSON route in one app. */
export const metaBesideVobiz: Setup<MetaFastifyOptions> = async (app, options) => {
  await app.register(vobizWebhook, { secret: 'whsec_beside_meta', logger: false, on: {} });
  await app.register(metaWebhook, options);
  app.post('/api/orders', async (request) => ({ received: request.body }));
};
