import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { signPayloadAsync } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/hono';

// Inside the Edge runtime VM (Web Crypto, no Node built-ins), as on Workers, Deno and Bun.
const SECRET = 'whsec_hono_edge_test';

test('a Web Crypto signed delivery is verified through app.fetch, and a forged one refused', async () => {
  const app = new Hono().post('/webhooks/vobiz', vobizWebhook({ secret: SECRET, logger: false, on: {} }));
  const body = JSON.stringify(createTestEvent('message.inbound'));
  const send = async (secret: string) =>
    app.fetch(
      new Request('https://worker.example/webhooks/vobiz', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-signature': await signPayloadAsync(body, secret) },
        body,
      }),
    );
  expect((await send(SECRET)).status).toBe(200);
  expect((await send('whsec_forger')).status).toBe(401);
});

test('the adapter imports nothing from node:', () => {
  const source = readFileSync(join(__dirname, '..', 'src', 'index.ts'), 'utf8');
  expect(source).not.toMatch(/from ['"](node:|crypto|buffer|stream)/);
});
