import { signPayloadAsync, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/next';
import { toDeliveryResponse } from './support/target';

// Adapter cases in the Edge runtime VM. Requests are signed with Web Crypto
// (signPayloadAsync), as an Edge app or a Worker would, not with node:crypto.
const SECRET = 'whsec_next_edge_test';
const URL_PATH = 'https://example.vercel.app/api/webhooks/vobiz';

async function signed(event: object, secret = SECRET): Promise<Request> {
  const body = JSON.stringify(event);
  const headers = { 'content-type': 'application/json', 'x-webhook-signature': await signPayloadAsync(body, secret) };
  return new Request(URL_PATH, { method: 'POST', headers, body });
}

function recordingHandler(maxBodyBytes?: number) {
  const seen: VobizEvent[] = [];
  const POST = vobizWebhook({
    secret: SECRET,
    logger: false,
    on: { '*': (event) => void seen.push(event) },
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });
  return { POST, seen };
}

describe('App Router route handler (Edge runtime)', () => {
  it.each([
    'message.inbound',
    'message.status',
    'call.connect',
    'call.status_change',
    'call.terminate',
    'template.future',
  ])('answers a %s delivery signed with Web Crypto with 200 and calls the handler', async (type) => {
    const { POST, seen } = recordingHandler();
    const event = createTestEvent(type);
    const response = await POST(await signed(event));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
  });

  it('refuses a forged delivery with 401 invalid_signature', async () => {
    const { POST, seen } = recordingHandler();
    const response = await toDeliveryResponse(
      await POST(await signed(createTestEvent('message.inbound'), 'whsec_forger')),
    );
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_signature');
    expect(seen).toHaveLength(0);
  });

  it('verifies bytes with emoji and accents exactly as sent', async () => {
    const { POST, seen } = recordingHandler();
    const event = createTestEvent('message.inbound');
    const raw = new TextEncoder().encode(`${JSON.stringify(event, null, 2)}\n`);
    const headers = { 'content-type': 'application/json', 'x-webhook-signature': await signPayloadAsync(raw, SECRET) };
    const response = await POST(new Request(URL_PATH, { method: 'POST', headers, body: raw }));
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('stops reading an endless streamed body at maxBodyBytes and answers 413', async () => {
    const { POST, seen } = recordingHandler(2048);
    const chunk = new TextEncoder().encode('{"pad":"' + 'x'.repeat(500));
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(chunk);
      },
    });
    const headers = { 'content-type': 'application/json', 'x-webhook-signature': 'ab'.repeat(32) };
    const request = new Request(URL_PATH, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
    const response = await toDeliveryResponse(await POST(request));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
    expect(pulled).toBeLessThan(20);
    expect(seen).toHaveLength(0);
  });

  it('answers 500 raw_body_unavailable when the route read the body first', async () => {
    const { POST } = recordingHandler();
    const request = await signed(createTestEvent('message.status'));
    await request.text();
    const response = await toDeliveryResponse(await POST(request));
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('raw_body_unavailable');
  });
});
