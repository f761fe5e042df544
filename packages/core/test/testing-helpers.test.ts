import { createHmac } from 'node:crypto';
import { createReceiver, messagesOf, callsOf, parseEnvelope, statusesOf, contactsOf } from '@vobiz-webhooks/core';
import { createTestEvent, sampleMessages, signedRequest, testMessageKinds } from '@vobiz-webhooks/core/testing';

const shapes = ['meta', 'value'] as const;

describe('@vobiz-webhooks/core/testing: createTestEvent', () => {
  const kinds = testMessageKinds.flatMap((kind) => shapes.map((shape) => ({ kind, shape })));
  it.each(kinds)(
    'message.inbound with a $kind message ($shape shape) validates through parseEnvelope',
    ({ kind, shape }) => {
      const event = createTestEvent('message.inbound', { messageType: kind, shape });
      const parsed = parseEnvelope(JSON.stringify(event));
      expect(parsed).toEqual(event);
      const messages = messagesOf(parsed);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.type).toBe(sampleMessages[kind].type);
      expect(contactsOf(parsed)).toHaveLength(1);
      expect('entry' in (parsed.payload as object)).toBe(shape === 'meta');
    },
  );

  it('covers every message type of the contract', () => {
    const types = new Set(testMessageKinds.map((kind) => sampleMessages[kind].type));
    for (const type of [
      'text',
      'image',
      'video',
      'audio',
      'document',
      'sticker',
      'location',
      'contacts',
      'button',
      'interactive',
      'reaction',
      'order',
      'system',
      'unsupported',
    ]) {
      expect(types).toContain(type);
    }
  });

  it.each(
    ['sent', 'delivered', 'read', 'failed', 'played'].flatMap((status) => shapes.map((shape) => ({ status, shape }))),
  )('message.status $status ($shape shape) validates', ({ status, shape }) => {
    const parsed = parseEnvelope(JSON.stringify(createTestEvent('message.status', { status, shape })));
    expect(statusesOf(parsed).map((s) => s.status)).toEqual([status]);
    if (status === 'failed') expect(statusesOf(parsed)[0]?.errors?.[0]?.code).toBe(131049);
  });

  it.each(
    ['call.connect', 'call.terminate', 'call.status_change', 'call.some_future_event'].flatMap((type) =>
      shapes.map((shape) => ({ type, shape })),
    ),
  )('$type ($shape shape) validates', ({ type, shape }) => {
    const event = createTestEvent(type, { shape });
    const parsed = parseEnvelope(JSON.stringify(event));
    expect(parsed.event_type).toBe(type);
    if (type === 'call.status_change') expect(statusesOf(parsed)[0]).toMatchObject({ type: 'call' });
    else expect(callsOf(parsed)[0]?.event).toBe(type.slice('call.'.length));
    if (type === 'call.connect') expect(callsOf(parsed)[0]?.session?.sdp_type).toBe('offer');
    if (type === 'call.terminate') expect(callsOf(parsed)[0]).toMatchObject({ status: 'COMPLETED', duration: 95 });
  });

  it('an unknown event type validates as such', () => {
    const parsed = parseEnvelope(JSON.stringify(createTestEvent('account.review_update')));
    expect(parsed.event_type).toBe('account.review_update');
  });

  it("gives the earlier envelope's own types and Meta's other fields the payload their handlers get", () => {
    const occurred = '2026-03-25T10:00:00Z';
    const contact = createTestEvent('contact.updated', { occurred_at: occurred });
    expect(contact.payload).toMatchObject({
      action: 'updated',
      contact: { name: expect.any(String), updated_at: occurred },
    });
    const campaign = createTestEvent('campaign.completed');
    expect(campaign.payload.campaign?.statistics).toMatchObject({
      total: expect.any(Number),
      read: expect.any(Number),
    });
    const field = createTestEvent('meta.account_update', { occurred_at: occurred });
    expect(field.payload).toEqual({
      phone_number: expect.any(String),
      event: 'VERIFIED_ACCOUNT',
      timestamp: String(Date.parse(occurred) / 1000),
    });
    for (const event of [contact, campaign, field]) expect(JSON.stringify(event.payload)).not.toContain('"sample"');
  });

  it('honours the overrides', () => {
    const event = createTestEvent('message.inbound', {
      event_id: 'evt-1',
      account_id: 'MA_OVERRIDE',
      occurred_at: '2026-03-25T10:00:00Z',
    });
    expect(event).toMatchObject({ event_id: 'evt-1', account_id: 'MA_OVERRIDE', occurred_at: '2026-03-25T10:00:00Z' });
    expect(messagesOf(event)[0]?.timestamp).toBe(String(Date.parse('2026-03-25T10:00:00Z') / 1000));
    expect(createTestEvent('message.inbound', { payload: { custom: true } }).payload).toEqual({ custom: true });
  });

  it('gives every event a fresh event_id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => createTestEvent('message.inbound').event_id));
    expect(ids.size).toBe(100);
  });
});

describe('@vobiz-webhooks/core/testing: signedRequest', () => {
  const secret = 'whsec_testing_helpers';

  it('serializes an event once and signs those exact bytes, with the headers Vobiz sends', () => {
    const event = createTestEvent('call.connect');
    const { body, headers } = signedRequest(event, secret);
    expect(body).toBe(JSON.stringify(event));
    expect(headers).toEqual({
      'content-type': 'application/json',
      'x-webhook-signature': createHmac('sha256', secret).update(body).digest('hex'),
      'x-webhook-event': 'call.connect',
    });
  });

  it('signs a raw string or bytes as they are', () => {
    const raw = '{"event_type":"message.status",  "spaces": "kept", "ñ": "\\u00f1"}';
    const fromString = signedRequest(raw, secret);
    expect(fromString.body).toBe(raw);
    expect(fromString.headers['x-webhook-event']).toBe('message.status');
    const bytes = new TextEncoder().encode(raw);
    const fromBytes = signedRequest(bytes, secret);
    expect(fromBytes.body).toBe(bytes);
    expect(fromBytes.headers['x-webhook-signature']).toBe(fromString.headers['x-webhook-signature']);
    expect(signedRequest('not json', secret).headers).not.toHaveProperty('x-webhook-event');
  });

  it('what it builds is accepted by a receiver with the same secret', async () => {
    const seen: string[] = [];
    const receiver = createReceiver({
      secret,
      logger: false,
      on: { '*': (event) => void seen.push(event.event_type) },
    });
    for (const type of [
      'message.inbound',
      'message.status',
      'call.connect',
      'call.terminate',
      'call.status_change',
      'other.type',
    ]) {
      const { body, headers } = signedRequest(createTestEvent(type), secret);
      expect((await receiver.receive({ method: 'POST', headers, rawBody: body })).status).toBe(200);
    }
    expect(seen).toEqual([
      'message.inbound',
      'message.status',
      'call.connect',
      'call.terminate',
      'call.status_change',
      'other.type',
    ]);
  });
});
