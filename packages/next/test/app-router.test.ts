import { callsOf, messagesOf, statusesOf, type InlineOptions, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/next';
import { toDeliveryResponse, toRequest } from './support/target';

const SECRET = 'whsec_next_app_router_test';
const URL_PATH = 'http://localhost:3000/api/webhooks/vobiz';
const EVENT_TYPES = [
  'message.inbound',
  'message.status',
  'call.connect',
  'call.status_change',
  'call.terminate',
] as const;

function recordingHandler(extra: Partial<InlineOptions> = {}) {
  const seen: VobizEvent[] = [];
  const POST = vobizWebhook({
    secret: SECRET,
    logger: false,
    on: { '*': (event) => void seen.push(event) },
    ...extra,
  });
  return { POST, seen };
}

const signed = (event: object, secret = SECRET): Request => {
  const { body, headers } = signedRequest(event, secret);
  return new Request(URL_PATH, { method: 'POST', headers, body });
};

describe('App Router route handler (Node.js runtime)', () => {
  it.each(EVENT_TYPES)(
    'answers a signed %s delivery with 200 and hands the verified event to the handler',
    async (type) => {
      const { POST, seen } = recordingHandler();
      const event = createTestEvent(type);
      const response = await POST(signed(event));

      expect(response).toBeInstanceOf(Response);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ ok: true });
      expect(seen).toHaveLength(1);
      expect(seen[0]?.event_id).toBe(event.event_id);
      expect(seen[0]?.event_type).toBe(type);
    },
  );

  it('types each handler by its key and gives the payload helpers the real items', async () => {
    const got: string[] = [];
    const POST = vobizWebhook({
      secret: SECRET,
      logger: false,
      on: {
        'message.inbound': (event) => void got.push(`in:${messagesOf(event)[0]?.type}`),
        'message.status': (event) => void got.push(`st:${statusesOf(event)[0]?.status}`),
        'call.*': (event) => void got.push(`call:${callsOf(event).length}`),
      },
    });
    for (const event of [
      createTestEvent('message.inbound', { messageType: 'image' }),
      createTestEvent('message.status', { status: 'read', shape: 'value' }),
      createTestEvent('call.connect'),
    ]) {
      expect((await POST(signed(event))).status).toBe(200);
    }
    expect(got).toEqual(['in:image', 'st:read', 'call:1']);
  });

  it('refuses a forged delivery with 401 invalid_signature and never calls the handler', async () => {
    const { POST, seen } = recordingHandler();
    const response = await toDeliveryResponse(await POST(signed(createTestEvent('message.inbound'), 'whsec_attacker')));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('invalid_signature');
    expect(seen).toHaveLength(0);
  });

  it('refuses a delivery without a signature with 401 missing_signature', async () => {
    const { POST } = recordingHandler();
    const request = new Request(URL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(createTestEvent('message.inbound')),
    });
    const response = await toDeliveryResponse(await POST(request));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('missing_signature');
  });

  it('verifies the exact bytes of a body with emoji, accents and unusual spacing', async () => {
    const { POST, seen } = recordingHandler();
    const event = createTestEvent('message.inbound');
    // Whitespace and key order a re-serialization would lose: only the raw bytes verify.
    const raw = JSON.stringify(event, null, 3).replace('"event_id"', '"event_id"  ') + '\n';
    const bytes = new TextEncoder().encode(raw);
    const { headers } = signedRequest(bytes, SECRET);
    const response = await POST(new Request(URL_PATH, { method: 'POST', headers, body: bytes }));
    expect(response.status).toBe(200);
    expect(messagesOf(seen[0] as VobizEvent)[0]?.text?.body).toBe('Hola! ¿Tienen envío a Málaga? 🚚');
  });

  it('answers 405 method_not_allowed with Allow: POST when the handler is exported for another method', async () => {
    const { POST } = recordingHandler();
    const response = await toDeliveryResponse(await POST(toRequest({ method: 'PUT', body: '{}' })));
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.body.error.code).toBe('method_not_allowed');
  });

  it('answers 415 before reading the body when the content type is not JSON', async () => {
    const { POST } = recordingHandler();
    const request = new Request(URL_PATH, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    const response = await toDeliveryResponse(await POST(request));
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('unsupported_media_type');
    // The lazy body reader never ran.
    expect(request.bodyUsed).toBe(false);
  });

  it('stops reading a streamed body without Content-Length at maxBodyBytes and answers 413', async () => {
    const { POST, seen } = recordingHandler({ maxBodyBytes: 1024 });
    const { body, headers } = signedRequest(
      createTestEvent('message.inbound', { payload: { pad: 'x'.repeat(4096) } }),
      SECRET,
    );
    let pulled = 0;
    const chunk = new TextEncoder().encode(body.slice(0, 512));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Endless unless the reader stops: proves the limit is enforced while streaming.
        pulled += 1;
        controller.enqueue(chunk);
      },
    });
    const request = new Request(URL_PATH, { method: 'POST', headers, body: stream, duplex: 'half' } as RequestInit);
    const response = await toDeliveryResponse(await POST(request));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
    expect(pulled).toBeLessThan(10);
    expect(seen).toHaveLength(0);
  });

  it('answers 500 raw_body_unavailable when the route read the body before the handler', async () => {
    const { POST, seen } = recordingHandler();
    const request = signed(createTestEvent('message.inbound'));
    await request.json();
    const response = await toDeliveryResponse(await POST(request));
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('raw_body_unavailable');
    expect(response.body.error.message).toMatch(/untouched Request/);
    expect(seen).toHaveLength(0);
  });

  it('answers 500 raw_body_unavailable when the route holds a reader of the body', async () => {
    const { POST, seen } = recordingHandler();
    const request = signed(createTestEvent('message.inbound'));
    const reader = (request.body as ReadableStream<Uint8Array>).getReader();
    const response = await toDeliveryResponse(await POST(request));
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('raw_body_unavailable');
    expect(seen).toHaveLength(0);
    reader.releaseLock();
  });

  it('answers a redelivery of a handled event with the duplicate 200 and no second handler call', async () => {
    const { POST, seen } = recordingHandler();
    const event = createTestEvent('message.status');
    expect((await POST(signed(event))).status).toBe(200);
    const again = await toDeliveryResponse(await POST(signed(event)));
    expect(again).toMatchObject({ status: 200, body: { ok: true, duplicate: true } });
    expect(seen).toHaveLength(1);
  });

  it('answers 500 handler_failed when a handler throws, and processes the retry', async () => {
    let calls = 0;
    const POST = vobizWebhook({
      secret: SECRET,
      logger: false,
      on: {
        'message.inbound': () => {
          calls += 1;
          if (calls === 1) throw new Error('database down');
        },
      },
    });
    const event = createTestEvent('message.inbound');
    const first = await toDeliveryResponse(await POST(signed(event)));
    expect(first.status).toBe(500);
    expect(first.body.error.code).toBe('handler_failed');
    expect(JSON.stringify(first.body)).not.toContain('database down');
    expect((await POST(signed(event))).status).toBe(200);
    expect(calls).toBe(2);
  });

  it('throws at construction for a secret with surrounding whitespace, not at the first delivery', () => {
    expect(() => vobizWebhook({ secret: ' whsec_padded ', on: {} })).toThrow(/whitespace/i);
    expect(() => vobizWebhook({ secret: '', on: {} })).toThrow();
  });
});
