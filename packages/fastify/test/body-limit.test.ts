import Fastify, { type FastifyServerOptions } from 'fastify';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { expectRefusal } from '@vobiz-webhooks/test-suites';
import { vobizWebhook, type VobizFastifyOptions } from '@vobiz-webhooks/fastify';
import { inject, overHttp, serve } from './support/target';

const SECRET = 'whsec_fastify_limits';

async function app(options: Partial<VobizFastifyOptions> = {}, server: FastifyServerOptions = {}) {
  const fastify = Fastify({ logger: false, ...server });
  await fastify.register(vobizWebhook, { secret: SECRET, logger: false, on: {}, ...options } as VobizFastifyOptions);
  return fastify;
}

/** A signed delivery padded past `bytes` (the padding is in the payload, which nothing refuses). */
function signedOfAtLeast(bytes: number) {
  const event = createTestEvent('message.inbound');
  return signedRequest({ ...event, payload: { ...event.payload, padding: 'x'.repeat(bytes) } }, SECRET);
}

describe('body size: maxBodyBytes and Fastify bodyLimit are one limit', () => {
  it("Fastify's own refusal, declared (Content-Length) or found reading (chunked), answers our 413", async () => {
    const fastify = await app({ maxBodyBytes: 4096 });
    const served = await serve(fastify);
    try {
      const { body, headers } = signedOfAtLeast(5000);
      expectRefusal(await overHttp(served.origin, { headers, body }), 413, 'payload_too_large');
      const chunked = await overHttp(served.origin, { headers: { ...headers, 'transfer-encoding': 'chunked' }, body });
      expectRefusal(chunked, 413, 'payload_too_large');
      expect(chunked.body.error.message).toContain('4096 bytes');
      expectRefusal(await inject(fastify, { headers, body }), 413, 'payload_too_large');
    } finally {
      await served.close();
    }
  });

  it('a body at the limit is handled, one byte over is refused', async () => {
    const { body, headers } = signedOfAtLeast(3000);
    const size = Buffer.byteLength(body);
    expect((await inject(await app({ maxBodyBytes: size }), { headers, body })).body).toEqual({ ok: true });
    expectRefusal(await inject(await app({ maxBodyBytes: size - 1 }), { headers, body }), 413, 'payload_too_large');
  });

  it("maxBodyBytes is the route's bodyLimit: a smaller app bodyLimit does not cut the webhook short", async () => {
    const fastify = await app({ maxBodyBytes: 64 * 1024 }, { bodyLimit: 1024 });
    fastify.post('/api/orders', async (request) => request.body);
    const { body, headers } = signedOfAtLeast(8 * 1024);
    expect((await inject(fastify, { headers, body })).body).toEqual({ ok: true });
    // The app's limit still holds for its other routes, in Fastify's shape.
    const other = await inject(fastify, { path: '/api/orders', headers: { 'content-type': 'application/json' }, body });
    expect([other.status, other.body.code]).toEqual([413, 'FST_ERR_CTP_BODY_TOO_LARGE']);
  });

  it("without maxBodyBytes the app's bodyLimit is the webhook's limit too", async () => {
    const fastify = await app({}, { bodyLimit: 2048 });
    const { body, headers } = signedOfAtLeast(4096);
    const refused = await inject(fastify, { headers, body });
    expectRefusal(refused, 413, 'payload_too_large');
    expect(refused.body.error.message).toContain('2048 bytes');
  });

  it('the order holds when Fastify refused the body: 405 and 415 come before 413', async () => {
    const fastify = await app({ maxBodyBytes: 256 });
    const big = 'x'.repeat(2000);
    const put = await inject(fastify, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: big });
    expectRefusal(put, 405, 'method_not_allowed');
    expect(put.headers.allow).toBe('POST');
    const text = await inject(fastify, { headers: { 'content-type': 'text/plain' }, body: big });
    expectRefusal(text, 415, 'unsupported_media_type');
  });
});
