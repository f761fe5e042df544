import { randomUUID } from 'node:crypto';
import {
  contactsOf,
  createMetaReceiver,
  createReceiver,
  messagesOf,
  statusesOf,
  type EventHandlers,
  type HeaderSource,
  type InlineOptions,
  type LegacyEnvelope,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';
import { createTestEvent, sampleMessages, signedRequest, type SignOptions } from '@vobiz-webhooks/core/testing';
import { recorder } from '@vobiz-webhooks/test-suites';

// Vobiz's earlier envelope (X-Vobiz-Signature) at the receiver, with the bodies of
// Vobiz's earlier webhook pages written out by hand: each name reaches the handler of
// its current type with the items Meta would have sent (docs/architecture.md, "Formats").

const SECRET = 'whsec_legacy_format_2b7e';
const MESSAGE_ID = 'wamid.HBgLMTIzNDU2Nzg5MBUCABIYFDNBMDJCMEM5RkQ5MzdBNDY2QjUA';
const FROM = '+1234567890';
const CONTACT = { id: 'cnt_01HV7K2M9P4Q', name: 'Priya Sharma', phone: FROM };
const HANDLER_KEYS = ['message.inbound', 'message.status', 'contact.updated', 'campaign.completed', '*'];

const iso = (msAgo = 0): string => new Date(Date.now() - msAgo).toISOString();
const unixSeconds = (value: string): string => String(Math.floor(Date.parse(value) / 1000));

function envelope(event: string, data: Record<string, unknown>, extra: Partial<LegacyEnvelope> = {}): LegacyEnvelope {
  return {
    event,
    event_id: `evt_${randomUUID().slice(0, 18)}`,
    timestamp: iso(),
    channel_id: 'ch_8f2a91',
    data,
    ...extra,
  };
}

/**
 * A receiver with recording handlers, and ways to send it earlier-envelope deliveries:
 * signed in an encoding, or with the signature header rewritten from the valid one.
 */
function receiving(options: Partial<InlineOptions> = {}) {
  const record = recorder();
  const receiver = createReceiver({ secret: SECRET, logger: false, on: record.on(...HANDLER_KEYS), ...options });
  const post = (headers: HeaderSource, rawBody: string) => receiver.receive({ method: 'POST', headers, rawBody });
  const send = (body: LegacyEnvelope | string, sign: SignOptions = {}) => {
    const options: SignOptions = { format: 'vobiz-legacy', ...sign };
    const signed =
      typeof body === 'string' ? signedRequest(body, SECRET, options) : signedRequest(body, SECRET, options);
    return post(signed.headers, signed.body);
  };
  const sendSignedAs = (body: LegacyEnvelope, signature: (valid: string) => string) => {
    const signed = signedRequest(body, SECRET);
    return post(
      { ...signed.headers, 'x-vobiz-signature': signature(signed.headers['x-vobiz-signature']) },
      signed.body,
    );
  };
  return { ...record, send, sendSignedAs };
}

/** The answer, with its body parsed. */
const answer = async (result: Promise<{ status: number; body: string }>) => {
  const { status, body } = await result;
  return {
    status,
    body: JSON.parse(body) as { ok: boolean; duplicate?: true; error?: { code: string; message: string } },
  };
};
const ok = { status: 200, body: { ok: true } };
const refused = (status: number, code: string) => ({
  status,
  body: { ok: false, error: { code, message: expect.any(String) } },
});

/** `message.received`'s data for one message type, as the earlier pages show it. */
const received = (type: string, content: unknown, timestamp = iso()) => ({
  message_id: MESSAGE_ID,
  from: FROM,
  contact: CONTACT,
  type,
  [type]: content,
  timestamp,
  context: null,
});

describe("Vobiz's earlier envelope: message.received → 'message.inbound'", () => {
  const kinds = [
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
  ] as const;

  it.each(kinds)('a %s message becomes one Meta message and its contact', async (kind) => {
    const { type, [kind]: content } = sampleMessages[kind] as { type: string } & Record<string, unknown>;
    const { send, seen, keys } = receiving();
    const body = envelope('message.received', received(type, content));
    expect(await answer(send(body))).toEqual(ok);
    expect(keys()).toEqual(['message.inbound', '*']);
    const event = seen[0]!.event;
    expect(messagesOf(event)).toEqual([
      { from: FROM, id: MESSAGE_ID, timestamp: unixSeconds(body.data['timestamp'] as string), type, [type]: content },
    ]);
    expect(contactsOf(event)).toEqual([{ wa_id: FROM, profile: { name: CONTACT.name } }]);
    expect(event).toMatchObject({
      event_id: body.event_id,
      event_type: 'message.inbound',
      account_id: 'ch_8f2a91',
      occurred_at: body.timestamp,
      source: 'vobiz-legacy',
      legacy: body,
    });
  });

  it("keeps a reply's context, and drops a null one", async () => {
    const { send, seen } = receiving();
    const context = { from: '15550783881', id: 'wamid.original' };
    await send(envelope('message.received', { ...received('text', { body: 'yes' }), context }));
    await send(envelope('message.received', received('text', { body: 'no' })));
    expect(messagesOf(seen[0]!.event)[0]?.context).toEqual(context);
    expect(messagesOf(seen[2]!.event)[0]).not.toHaveProperty('context');
  });

  it.each([
    { data: 'numeric unix seconds', timestamp: 1717000000, expected: '1717000000' },
    { data: 'unix seconds in a string', timestamp: '1717000000', expected: '1717000000' },
    { data: 'no timestamp', timestamp: undefined, expected: 'envelope' },
    { data: 'a timestamp that is not a date', timestamp: 'yesterday', expected: 'envelope' },
  ])("the message's timestamp from $data (else the envelope's)", async ({ timestamp, expected }) => {
    const { send, seen } = receiving();
    const body = envelope('message.received', { ...received('text', { body: 'hi' }), timestamp });
    expect(await answer(send(body))).toEqual(ok);
    expect(messagesOf(seen[0]!.event)[0]?.timestamp).toBe(
      expected === 'envelope' ? unixSeconds(body.timestamp) : expected,
    );
  });

  it("takes the sender from the contact's phone when data.from is absent", async () => {
    const { send, seen } = receiving();
    const { from: _from, ...data } = received('text', { body: 'hi' });
    await send(envelope('message.received', data));
    expect(messagesOf(seen[0]!.event)[0]?.from).toBe(FROM);
    expect(contactsOf(seen[0]!.event)).toEqual([{ wa_id: FROM, profile: { name: CONTACT.name } }]);
  });
});

describe("Vobiz's earlier envelope: message.<status> → 'message.status'", () => {
  const statusData = (status: string, extra: Record<string, unknown> = {}) => ({
    message_id: MESSAGE_ID,
    to: FROM,
    status,
    timestamp: iso(),
    ...extra,
  });

  it.each([
    { name: 'message.sent', data: statusData('sent', { type: 'text' }) },
    { name: 'message.delivered', data: statusData('delivered') },
    { name: 'message.read', data: statusData('read') },
  ])('$name becomes one Meta status', async ({ name, data }) => {
    const { send, seen, keys } = receiving();
    expect(await answer(send(envelope(name, data)))).toEqual(ok);
    expect(keys()).toEqual(['message.status', '*']);
    expect(statusesOf(seen[0]!.event)).toEqual([
      { id: MESSAGE_ID, status: data.status, timestamp: unixSeconds(data.timestamp), recipient_id: FROM },
    ]);
    expect(contactsOf(seen[0]!.event)).toEqual([]);
  });

  it.each([
    { code: 'INVALID_NUMBER', message: 'The number is not on WhatsApp', details: 'Recipient +1234567890 not found' },
    { code: 'RATE_LIMITED', message: 'Too many messages to this recipient', details: 'Retry after 60 seconds' },
    { code: 'TEMPLATE_PAUSED', message: 'The template was paused for low quality', details: undefined },
  ])('message.failed with $code carries it as Meta errors[]', async (error) => {
    const { send, seen } = receiving();
    await send(envelope('message.failed', statusData('failed', { error })));
    expect(statusesOf(seen[0]!.event)[0]?.errors).toEqual([
      {
        code: error.code,
        title: error.message,
        message: error.message,
        ...(error.details === undefined ? {} : { error_data: { details: error.details } }),
      },
    ]);
  });

  it('a status missing from data is taken from the event name', async () => {
    const { send, seen } = receiving();
    const { status: _status, ...data } = statusData('read');
    await send(envelope('message.read', data));
    expect(statusesOf(seen[0]!.event).map((status) => status.status)).toEqual(['read']);
  });

  it('the event name decides the status: a data.status in other spelling stays on event.legacy only', async () => {
    const { send, seen } = receiving();
    const body = envelope('message.failed', { ...statusData('failed'), status: 'FAILED' });
    await send(body);
    expect(statusesOf(seen[0]!.event).map((status) => status.status)).toEqual(['failed']);
    expect(seen[0]!.event.legacy?.data['status']).toBe('FAILED');
  });

  it('a failure whose error is a bare string still carries it in errors[]', async () => {
    const { send, seen } = receiving();
    await send(envelope('message.failed', { ...statusData('failed'), error: 'BLOCKED' }));
    expect(statusesOf(seen[0]!.event)[0]?.errors).toEqual([{ title: 'BLOCKED', message: 'BLOCKED' }]);
  });

  it('an event named like an Object.prototype member is an event of its own, not a status', async () => {
    const { send, keys, seen } = receiving();
    await send(envelope('toString', { message_id: MESSAGE_ID }));
    await send(envelope('message.received', { message_id: MESSAGE_ID, type: 'constructor', from: FROM }));
    expect(keys()).toEqual(['*', 'message.inbound', '*']);
    expect(seen[0]!.event.event_type).toBe('toString');
    expect(Object.hasOwn(messagesOf(seen[1]!.event)[0]!, 'constructor')).toBe(false);
  });
});

describe("Vobiz's earlier envelope: names that keep their type", () => {
  const contactUpdated = {
    contact: {
      id: CONTACT.id,
      phone: FROM,
      name: CONTACT.name,
      email: 'priya@example.com',
      tags: ['vip', 'newsletter'],
      custom_attributes: { plan: 'enterprise', seats: 40 },
      created_at: '2024-03-01T10:00:00Z',
      updated_at: iso(),
    },
    action: 'updated',
  };
  const campaignCompleted = {
    campaign: {
      id: 'cmp_01HV7M3QZ8',
      name: 'Diwali offers',
      status: 'completed',
      started_at: iso(3_600_000),
      completed_at: iso(),
      statistics: { total: 5000, sent: 4980, delivered: 4900, read: 3100, failed: 20, responses: 410 },
    },
  };

  it.each([
    { name: 'contact.updated', data: contactUpdated, keys: ['contact.updated', '*'] },
    { name: 'campaign.completed', data: campaignCompleted, keys: ['campaign.completed', '*'] },
    { name: 'template.approved', data: { template: { name: 'order_update', language: 'en' } }, keys: ['*'] },
  ])('$name reaches $keys with data as its payload', async ({ name, data, keys: expected }) => {
    const { send, seen, keys } = receiving();
    const body = envelope(name, data);
    expect(await answer(send(body))).toEqual(ok);
    expect(keys()).toEqual(expected);
    expect(seen[0]!.event).toMatchObject({ event_type: name, payload: data, source: 'vobiz-legacy', legacy: body });
  });

  it("an envelope without channel_id has account_id ''", async () => {
    const { send, seen } = receiving();
    const { channel_id: _channel, ...body } = envelope('contact.updated', contactUpdated);
    await send(JSON.stringify(body));
    expect(seen[0]!.event.account_id).toBe('');
  });
});

describe("Vobiz's earlier envelope: X-Vobiz-Signature encodings", () => {
  const base64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
  /** The same 32 bytes in base64 with non-zero padding bits: decodes alike in lenient decoders, not canonical. */
  const nonCanonical = (hex: string) => {
    const digits = base64(hex);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet[alphabet.indexOf(digits[42]!) ^ 1]!;
    return `${digits.slice(0, 42)}${last}=`;
  };

  it.each([
    { encoding: 'hex', prefix: false },
    { encoding: 'hex', prefix: true },
    { encoding: 'HEX', prefix: false },
    { encoding: 'HEX', prefix: true },
    { encoding: 'base64', prefix: false },
    { encoding: 'base64', prefix: true },
  ] as const)('accepts $encoding (sha256= prefix: $prefix)', async (sign) => {
    const { send, keys } = receiving();
    expect(await answer(send(createTestEvent('message.inbound', { format: 'vobiz-legacy' }), sign))).toEqual(ok);
    expect(keys()).toEqual(['message.inbound', '*']);
  });

  it.each([
    { encoding: 'sha1= before the hex', header: (hex: string) => `sha1=${hex}` },
    { encoding: 'sha512= before the hex', header: (hex: string) => `sha512=${hex}` },
    { encoding: "sha256: (a colon, not '=')", header: (hex: string) => `sha256:${hex}` },
    { encoding: 'hmac-sha256= before the hex', header: (hex: string) => `hmac-sha256=${hex}` },
    { encoding: 'sha256= twice', header: (hex: string) => `sha256=sha256=${hex}` },
    { encoding: 'a space after sha256=', header: (hex: string) => `sha256= ${hex}` },
    { encoding: 'base64 of the hex text', header: (hex: string) => Buffer.from(hex).toString('base64') },
    { encoding: 'hex cut to 63 digits', header: (hex: string) => hex.slice(0, 63) },
    { encoding: 'hex with one digit more', header: (hex: string) => `${hex}0` },
    { encoding: 'base64 with two padding characters', header: (hex: string) => `${base64(hex)}=` },
    { encoding: 'base64 with non-zero padding bits', header: nonCanonical },
  ])('refuses $encoding with 401 invalid_signature', async ({ header }) => {
    const { sendSignedAs, seen } = receiving();
    const body = createTestEvent('message.inbound', { format: 'vobiz-legacy' });
    expect(await answer(sendSignedAs(body, header))).toEqual(refused(401, 'invalid_signature'));
    expect(seen).toEqual([]);
  });

  it('an empty X-Vobiz-Signature is a missing one', async () => {
    const { sendSignedAs } = receiving();
    const body = createTestEvent('message.inbound', { format: 'vobiz-legacy' });
    expect(await answer(sendSignedAs(body, () => ''))).toEqual(refused(401, 'missing_signature'));
  });
});

describe("Vobiz's earlier envelope: the envelope is checked once the signature holds", () => {
  it.each([
    { body: 'no event', value: () => JSON.stringify({ ...envelope('message.read', {}), event: undefined }) },
    { body: 'an empty event_id', value: () => JSON.stringify(envelope('message.read', {}, { event_id: '' })) },
    {
      body: 'a timestamp that is not ISO',
      value: () => JSON.stringify(envelope('message.read', {}, { timestamp: 'now' })),
    },
    { body: 'data that is an array', value: () => JSON.stringify({ ...envelope('message.read', {}), data: [] }) },
    { body: "Vobiz's current envelope", value: () => JSON.stringify(createTestEvent('message.inbound')) },
  ])('$body is 400 invalid_envelope, naming the earlier format', async ({ value }) => {
    const { send, seen } = receiving();
    const result = await answer(send(value()));
    expect(result).toEqual(refused(400, 'invalid_envelope'));
    expect(result.body.error?.message).toContain('X-Vobiz-Signature');
    expect(seen).toEqual([]);
  });

  it('a body that is not JSON is 400 invalid_json', async () => {
    expect(await answer(receiving().send('{"event": "message.read",'))).toEqual(refused(400, 'invalid_json'));
  });

  it.each([
    { form: 'RFC 3339 (kept as sent)', timestamp: (at: Date) => at.toISOString(), kept: true },
    { form: 'a +hhmm offset', timestamp: (at: Date) => `${iso8601(at, 2)}+0200` },
    { form: 'a +hh offset', timestamp: (at: Date) => `${iso8601(at, -5)}-05` },
    { form: 'no offset, read as UTC', timestamp: (at: Date) => iso8601(at, 0) },
    { form: 'microseconds', timestamp: (at: Date) => `${iso8601(at, 0)}.123456Z`, kept: true, ms: 123 },
    { form: 'no seconds', timestamp: (at: Date) => `${iso8601(at, 0).slice(0, 16)}Z` },
    { form: 'a lower-case t and z', timestamp: (at: Date) => `${iso8601(at, 0).replace('T', 't')}z` },
  ])(
    'a timestamp in any ISO 8601 form is accepted: $form, occurred_at that instant',
    async ({ timestamp, kept, ms = 0 }) => {
      const { send, seen } = receiving();
      // A whole minute, for the form without seconds.
      const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
      const body = envelope('message.read', { message_id: MESSAGE_ID, to: FROM }, { timestamp: timestamp(at) });
      expect(await answer(send(body))).toEqual(ok);
      const occurred = seen[0]!.event.occurred_at;
      expect(Date.parse(occurred)).toBe(at.getTime() + ms);
      expect(occurred).toBe(kept ? body.timestamp : at.toISOString());
    },
  );

  it.each(['2024-02-30T10:00:00Z', '2024-03-19T25:00:00Z', '2024-03-19T10:30:00+2400', '2024-03-19T10', '2024-03-19'])(
    'a timestamp that is no date-time, %s, is 400 invalid_envelope',
    async (timestamp) => {
      const { send, seen } = receiving();
      expect(await answer(send(envelope('message.read', {}, { timestamp })))).toEqual(refused(400, 'invalid_envelope'));
      expect(seen).toEqual([]);
    },
  );
});

/** `at` as local time in a zone `offsetHours` east of UTC, without the offset: `2024-03-19T12:30:00`. */
function iso8601(at: Date, offsetHours: number): string {
  return new Date(at.getTime() + offsetHours * 3_600_000).toISOString().slice(0, 19);
}

describe('construction', () => {
  const legacyKeys = [
    ['message.received', 'message.inbound'],
    ['message.sent', 'message.status'],
    ['message.delivered', 'message.status'],
    ['message.read', 'message.status'],
    ['message.failed', 'message.status'],
  ] as const;

  it.each(legacyKeys)("a handler under '%s' throws a TypeError naming '%s'", (legacy, current) => {
    const on = { [legacy]: () => undefined } as unknown as EventHandlers;
    const expected = new RegExp(`'${legacy}' is Vobiz's earlier event name.*Use '${current}' as the handler key`);
    expect(() => createReceiver({ secret: SECRET, on })).toThrow(TypeError);
    expect(() => createReceiver({ secret: SECRET, on })).toThrow(expected);
    expect(() => createMetaReceiver({ appSecret: SECRET, verifyToken: 'token', on })).toThrow(expected);
  });

  it.each([
    { formats: [], why: 'an empty list' },
    { formats: 'vobiz', why: 'a string, not a list' },
    { formats: ['vobiz', 'soap'], why: 'an unknown format' },
    { formats: [null], why: 'a null entry' },
  ])('formats: $why is a TypeError listing the formats there are', ({ formats }) => {
    const options = { secret: SECRET, on: {}, formats } as unknown as VobizWebhookOptions;
    expect(() => createReceiver(options)).toThrow(
      /`formats` must be a non-empty array of 'vobiz' and 'vobiz-legacy' \(default both\), got /,
    );
  });

  it("formats: ['meta'] points to metaWebhook", () => {
    const options = { secret: SECRET, on: {}, formats: ['meta'] } as unknown as VobizWebhookOptions;
    expect(() => createReceiver(options)).toThrow(/Meta's deliveries are received with metaWebhook/);
  });

  it("formats: ['vobiz-legacy'] takes only the earlier envelope, and a repeated format is the same as once", async () => {
    const legacyOnly = receiving({ formats: ['vobiz-legacy', 'vobiz-legacy'] });
    expect(await answer(legacyOnly.send(createTestEvent('message.inbound', { format: 'vobiz-legacy' })))).toEqual(ok);
    const current = JSON.stringify(createTestEvent('message.inbound'));
    const result = await answer(legacyOnly.send(current, { format: 'vobiz' }));
    expect(result).toEqual(refused(401, 'missing_signature'));
    expect(result.body.error?.message).toMatch(/X-Vobiz-Signature header is missing.*X-Webhook-Signature was sent/);
  });
});
