import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { memoryDedupeStore } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { sendDeliveries } from '@vobiz-webhooks/cli';
import { buildApp, type Seen } from '../src/app';

const SECRET = 'whsec_example_fastify_test';

// Over a real socket, as the README sends it (`app.inject()` works as well).
describe('examples/fastify app', () => {
  const seen: Seen[] = [];
  const warnings: unknown[][] = [];
  let app: FastifyInstance;
  let origin: string;

  beforeAll(async () => {
    app = await buildApp({
      secret: SECRET,
      store: memoryDedupeStore(),
      record: (entry) => seen.push(entry),
      logger: { warn: (...args) => warnings.push(args), error: (...args) => warnings.push(args) },
      fastify: { logger: false },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());
  beforeEach(() => {
    seen.length = 0;
    warnings.length = 0;
  });

  it('hands each event type to its handler with what is inside', async () => {
    const events = [
      createTestEvent('message.inbound', { messageType: 'text' }),
      createTestEvent('message.status', { status: 'read' }),
      createTestEvent('call.connect'),
    ];
    for (const event of events) {
      const { body, headers } = signedRequest(event, SECRET);
      const response = await fetch(`${origin}/webhooks/vobiz`, { method: 'POST', headers, body });
      expect([response.status, await response.json()]).toEqual([200, { ok: true }]);
    }
    expect(seen.map((entry) => entry.lines)).toEqual([
      ['text from 16505551234: Hola! ¿Tienen envío a Málaga? 🚚'],
      ['read for 16505551234'],
      ['call connect 16505551234 → 15550783881'],
    ]);
  });

  it('keeps the JSON route parsing JSON, and answers other methods on the webhook path with 405', async () => {
    const order = { items: [{ sku: 'mate', qty: 3 }] };
    const created = await fetch(`${origin}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect([created.status, await created.json()]).toEqual([201, { accepted: order }]);
    const get = await fetch(`${origin}/webhooks/vobiz`);
    expect([get.status, get.headers.get('allow'), (await get.json()).error.code]).toEqual([
      405,
      'POST',
      'method_not_allowed',
    ]);
  });

  it('what the README sends with `vobiz-webhooks send`: every type, a retry, a tampered body', async () => {
    const url = `${origin}/webhooks/vobiz`;
    const all = await sendDeliveries({ url, secret: SECRET, type: 'all' });
    expect(all.length).toBeGreaterThan(5);
    expect(all.filter((result) => result.status !== 200)).toEqual([]);
    expect(seen).toHaveLength(all.length);

    const retried = await sendDeliveries({ url, secret: SECRET, duplicate: true });
    expect(retried.map((result) => result.json)).toEqual([{ ok: true }, { ok: true, duplicate: true }]);

    const [tampered] = await sendDeliveries({ url, secret: SECRET, tamper: true });
    expect([tampered?.status, (tampered?.json as { error?: { code: string } }).error?.code]).toEqual([
      401,
      'invalid_signature',
    ]);
    expect(warnings.some(([first]) => String(first).includes('did not verify'))).toBe(true);
  });
});
