import { signPayloadAsync, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { metaWebhook } from '@vobiz-webhooks/next';
import { toDeliveryResponse } from './support/target';

// metaWebhook's App Router handlers inside the Edge runtime VM, where core is its Web
// Crypto build. Requests are signed with signPayloadAsync, as Meta's HMAC-SHA256 under the
// app secret, not with node:crypto.

const APP_SECRET = 'meta-app-secret-next-edge';
const VERIFY_TOKEN = 'meta-verify-token-next-edge';
const ROUTE = 'https://example.vercel.app/api/webhooks/meta';

async function signed(body: string, secret = APP_SECRET): Promise<Request> {
  const headers = {
    'content-type': 'application/json',
    'x-hub-signature-256': `sha256=${await signPayloadAsync(body, secret)}`,
  };
  return new Request(ROUTE, { method: 'POST', headers, body });
}

function recording() {
  const seen: VobizEvent[] = [];
  const handlers = metaWebhook({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    logger: false,
    on: { '*': (event) => void seen.push(event) },
  });
  return { ...handlers, seen };
}

describe('App Router metaWebhook (Edge runtime)', () => {
  it('GET answers the handshake with the challenge, and refuses a wrong verify token with 403', async () => {
    const { GET } = recording();
    const query = (token: string) => `?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=8675309`;

    const ok = await GET(new Request(ROUTE + query(VERIFY_TOKEN)));
    const wrong = await toDeliveryResponse(await GET(new Request(ROUTE + query('nope'))));

    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await ok.text()).toBe('8675309');
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'verification_failed']);
  });

  it('POST handles each item of a body signed with Web Crypto once, and refuses another secret', async () => {
    const { POST, seen } = recording();
    const inbound = createTestEvent('message.inbound', { format: 'meta' });
    const status = createTestEvent('message.status', { format: 'meta' });
    const body = JSON.stringify({ object: inbound.object, entry: [...inbound.entry, ...status.entry] });

    const first = await toDeliveryResponse(await POST(await signed(body)));
    const resent = await toDeliveryResponse(await POST(await signed(body)));
    const forged = await toDeliveryResponse(await POST(await signed(body, 'another-app-secret')));

    expect([first.status, first.body]).toEqual([200, { ok: true }]);
    expect([resent.status, resent.body]).toEqual([200, { ok: true, duplicate: true }]);
    expect([forged.status, forged.body.error.code]).toEqual([401, 'invalid_signature']);
    expect(seen.map((e) => [e.event_type, e.source])).toEqual([
      ['message.inbound', 'meta'],
      ['message.status', 'meta'],
    ]);
  });
});
