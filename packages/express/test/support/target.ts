import type { RequestListener, Server } from 'node:http';
import connect from 'connect';
import express from 'express';
import express4 from 'express4';
import request from 'supertest';
import { metaWebhook, vobizWebhook, type VobizMiddleware } from '@vobiz-webhooks/express';
import type { MetaWebhookOptions, VobizWebhookOptions } from '@vobiz-webhooks/core';
import {
  listen,
  type DeliveryRequest,
  type DeliveryResponse,
  type MakeMetaTarget,
  type MakeTarget,
  type Target,
} from '@vobiz-webhooks/test-suites';

export { listen };

export const WEBHOOK_PATH = '/webhooks/vobiz';
/** `metaWebhook`'s default path. */
export const META_PATH = '/webhooks/meta';

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch' | 'head' | 'options';

/** Sends one delivery through supertest, byte for byte, and reads the answer back. */
export async function sendTo(
  server: Server,
  delivery: DeliveryRequest,
  defaultPath = WEBHOOK_PATH,
): Promise<DeliveryResponse> {
  const method = (delivery.method ?? 'POST').toLowerCase() as Method;
  let test = request(server)[method](delivery.path ?? defaultPath);
  for (const [name, value] of Object.entries(delivery.headers ?? {})) test = test.set(name, value);
  // Bytes as they are: by default superagent JSON-serializes bodies sent as JSON, Buffers included.
  if (delivery.body !== undefined)
    test = test.serialize((body: unknown) => body as string).send(Buffer.from(delivery.body));
  const response = await test;
  let body: unknown = response.text;
  try {
    body = JSON.parse(response.text);
  } catch {
    // Not JSON (e.g. Express's own 404 page): keep the text.
  }
  return { status: response.status, headers: response.headers as Record<string, string>, body };
}

/** A target over any Node request listener (an Express or Connect app). */
export async function targetFor(listener: RequestListener, defaultPath = WEBHOOK_PATH): Promise<Target> {
  const served = await listen(listener);
  return {
    send: (delivery) => sendTo(served.server, delivery, defaultPath),
    close: served.close,
  };
}

/** Express 5, mounted the one-line way: `app.use(vobizWebhook(options))`. */
export const makeExpressTarget: MakeTarget = (options: VobizWebhookOptions) =>
  targetFor(express().use(vobizWebhook(options)));

/** Express 4 (the `express4` alias), mounted the same way. */
export const makeExpress4Target: MakeTarget = (options: VobizWebhookOptions) =>
  targetFor(express4().use(vobizWebhook(options)));

/** Connect, mounted at the root. */
export const makeConnectTarget: MakeTarget = (options: VobizWebhookOptions) => {
  const app = connect();
  app.use(vobizWebhook(options) satisfies VobizMiddleware as connect.NextHandleFunction);
  return targetFor(app);
};

/** `metaWebhook` on Express 5, mounted the one-line way: `app.use(metaWebhook(options))`. */
export const makeExpressMetaTarget: MakeMetaTarget = (options: MetaWebhookOptions) =>
  targetFor(express().use(metaWebhook(options)), META_PATH);

/** `metaWebhook` on Express 5 as a route for every method: `app.all('/webhooks/meta', mw)`. */
export const makeExpressRouteMetaTarget: MakeMetaTarget = (options: MetaWebhookOptions) => {
  const app = express();
  app.all(META_PATH, metaWebhook(options));
  return targetFor(app, META_PATH);
};

/** `metaWebhook` on Express 4, at the root. */
export const makeExpress4MetaTarget: MakeMetaTarget = (options: MetaWebhookOptions) =>
  targetFor(express4().use(metaWebhook(options)), META_PATH);

/** `metaWebhook` on Connect, at the root. */
export const makeConnectMetaTarget: MakeMetaTarget = (options: MetaWebhookOptions) => {
  const app = connect();
  app.use(metaWebhook(options) satisfies VobizMiddleware as connect.NextHandleFunction);
  return targetFor(app, META_PATH);
};
