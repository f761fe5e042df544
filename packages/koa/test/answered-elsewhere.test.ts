import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/koa';
import { newKoaApp, type KoaVersion } from './support/target';

// A response timeout answers before the webhook finishes. Koa ignores a status or header
// set after the head went out, but keeps a late `ctx.body`, and with `ctx.respond = false`
// the response belongs to whoever set it: the webhook must leave both alone, and nothing
// may throw or reach `app.on('error')`.
const SECRET = 'whsec_koa_answered_elsewhere';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes 503 to the Node response itself after 100 ms and takes the response from Koa. */
const rawTimeout: Koa.Middleware = async (ctx, next) => {
  const timer = setTimeout(() => {
    ctx.respond = false;
    ctx.res.writeHead(503).end('timed out');
  }, 100);
  try {
    await next();
  } finally {
    clearTimeout(timer);
  }
};

/** koa-timeout style: races `next()` and answers 503 through ctx, so Koa responds before the webhook is done. */
const racingTimeout: Koa.Middleware = async (ctx, next) => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      ctx.status = 503;
      ctx.body = 'timed out';
      resolve();
    }, 100);
  });
  await Promise.race([next(), late]);
  clearTimeout(timer);
};

describe.each<KoaVersion>([3, 2])('Koa %i: a response answered before the webhook finished', (version) => {
  const escaped: unknown[] = [];
  const record = (error: unknown) => void escaped.push(error);
  let server: Server | undefined;
  beforeAll(() => {
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
  });
  afterAll(() => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
  });
  afterEach(async () => {
    const closing = server;
    server = undefined;
    if (closing === undefined) return;
    closing.closeAllConnections();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  });

  async function serve(timeout: Koa.Middleware) {
    escaped.length = 0;
    const handled: string[] = [];
    const leftOnCtx: unknown[] = [];
    const app = newKoaApp(version)
      .use(async (ctx, next) => {
        await next();
        leftOnCtx.push(ctx.body);
      })
      .use(timeout)
      .use(
        vobizWebhook({
          secret: SECRET,
          logger: false,
          on: {
            '*': async (event) => {
              await sleep(300);
              handled.push(event.event_id);
            },
          },
        }),
      );
    app.on('error', record);
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/vobiz`;
    const post = (event: object) => {
      const { body, headers } = signedRequest(event, SECRET);
      return fetch(url, { method: 'POST', headers, body });
    };
    return { url, post, handled, leftOnCtx };
  }

  test('ctx.res answered directly (ctx.respond = false): the late result sets neither status nor body', async () => {
    const { url, post, handled, leftOnCtx } = await serve(rawTimeout);
    const event = createTestEvent('message.inbound');
    const first = await post(event);
    expect(first.status).toBe(503);
    expect(await first.text()).toBe('timed out');
    await sleep(500);
    expect(handled).toEqual([event.event_id]);
    expect(leftOnCtx).toEqual([undefined]);
    expect(escaped).toEqual([]);
    expect((await fetch(url)).status).toBe(405);
  });

  test('a timeout answered through ctx: Koa sends the 503, the late result is dropped without an error', async () => {
    const { url, post, handled } = await serve(racingTimeout);
    const event = createTestEvent('message.inbound');
    const first = await post(event);
    expect(first.status).toBe(503);
    expect(await first.text()).toBe('timed out');
    await sleep(500);
    expect(handled).toEqual([event.event_id]);
    expect(escaped).toEqual([]);
    expect((await fetch(url)).status).toBe(405);
  });
});
