import { envelopeSchema, parseEnvelope, VobizWebhookError, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { departuresOf } from '../src/departures';

/** Runs parseEnvelope and returns the VobizWebhookError it threw. */
function refusal(input: unknown): VobizWebhookError {
  try {
    parseEnvelope(input);
  } catch (error) {
    expect(error).toBeInstanceOf(VobizWebhookError);
    return error as VobizWebhookError;
  }
  throw new Error('parseEnvelope accepted the input');
}

// The example from Vobiz's docs, payload as the whole Meta object.
const docsExample = {
  event_id: 'f4c1a0d2-3b6e-4a9c-8e2f-0a1b2c3d4e5f',
  event_type: 'message.inbound',
  account_id: 'MA_XXXXXXXX',
  occurred_at: '2026-03-25T10:00:00Z',
  payload: {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Kerry Fisher' }, wa_id: '16315551181' }],
              messages: [
                {
                  from: '16315551181',
                  id: 'wamid.ABGGFlA5Fpa',
                  timestamp: '1504902988',
                  type: 'text',
                  text: { body: 'this is a text message' },
                },
              ],
            },
          },
        ],
      },
    ],
  },
};

describe('parseEnvelope', () => {
  it("accepts the docs' example (whole Meta object) from a string, bytes, or a parsed value", () => {
    const text = JSON.stringify(docsExample);
    for (const input of [text, new TextEncoder().encode(text), docsExample]) {
      expect(parseEnvelope(input)).toEqual({ ...docsExample, source: 'vobiz' });
    }
  });

  it('accepts the change value alone as payload', () => {
    const value = docsExample.payload.entry[0]!.changes[0]!.value;
    const event = parseEnvelope({ ...docsExample, payload: value });
    expect(event.payload).toEqual(value);
  });

  it('keeps unknown keys at every level', () => {
    const input = JSON.parse(JSON.stringify(docsExample));
    input.schema_version = 2;
    input.payload.entry[0].time = 1700000000;
    input.payload.entry[0].changes[0].value.messages[0].new_meta_field = { a: 1 };
    input.payload.entry[0].changes[0].value.brand_new_list = [1, 2];
    expect(parseEnvelope(input)).toEqual({ ...input, source: 'vobiz' });
  });

  it('accepts occurred_at with an offset or milliseconds', () => {
    expect(parseEnvelope({ ...docsExample, occurred_at: '2026-03-25T12:00:00+02:00' }).occurred_at).toBe(
      '2026-03-25T12:00:00+02:00',
    );
    expect(parseEnvelope({ ...docsExample, occurred_at: '2026-03-25T10:00:00.123Z' }).occurred_at).toBe(
      '2026-03-25T10:00:00.123Z',
    );
  });

  it('accepts unknown message types, status values and call events', () => {
    const value = (extra: object) => ({ messaging_product: 'whatsapp', ...extra });
    expect(() =>
      parseEnvelope({
        ...docsExample,
        payload: value({ messages: [{ id: 'wamid.1', timestamp: '1', type: 'hologram', hologram: { x: 1 } }] }),
      }),
    ).not.toThrow();
    expect(() =>
      parseEnvelope({
        ...docsExample,
        event_type: 'message.status',
        payload: value({ statuses: [{ id: 'wamid.1', timestamp: '1', status: 'played' }] }),
      }),
    ).not.toThrow();
    expect(() =>
      parseEnvelope({
        ...docsExample,
        event_type: 'call.transfer',
        payload: value({ calls: [{ id: 'wacid.1', event: 'transfer' }] }),
      }),
    ).not.toThrow();
  });

  it('accepts an unknown event type with any object payload', () => {
    const event: VobizEvent = parseEnvelope({
      ...docsExample,
      event_type: 'account.update',
      payload: { anything: ['goes'], n: 1 },
    });
    expect(event.event_type).toBe('account.update');
    expect(event.payload).toEqual({ anything: ['goes'], n: 1 });
  });

  it('invalid_json for bytes that are not JSON', () => {
    const error = refusal('{"event_id":');
    expect(error.code).toBe('invalid_json');
    expect(error.status).toBe(400);
  });

  it.each([
    { what: 'a missing event_id', input: { ...docsExample, event_id: undefined }, path: 'event_id' },
    { what: 'an empty event_id', input: { ...docsExample, event_id: '' }, path: 'event_id' },
    { what: 'a numeric account_id', input: { ...docsExample, account_id: 42 }, path: 'account_id' },
    {
      what: 'occurred_at that is not ISO 8601',
      input: { ...docsExample, occurred_at: '25/03/2026' },
      path: 'occurred_at',
    },
    { what: 'a missing event_type', input: { ...docsExample, event_type: undefined }, path: 'event_type' },
    { what: 'null', input: null, path: '(root)' },
  ])('invalid_envelope for $what, naming the path', ({ input, path }) => {
    const error = refusal(input);
    expect(error.code).toBe('invalid_envelope');
    expect(error.status).toBe(400);
    expect(error.message).toContain(path);
  });

  it.each([
    {
      what: 'a message without an id',
      type: 'message.inbound',
      payload: { messages: [{ timestamp: '1', type: 'text' }] },
      path: 'payload.messages[].id',
    },
    {
      what: 'a status whose status is a number',
      type: 'message.status',
      payload: { statuses: [{ id: 'wamid.1', timestamp: '1', status: 3 }] },
      path: 'payload.statuses[].status',
    },
    {
      what: 'a Meta object whose entry is not a list',
      type: 'message.inbound',
      payload: { object: 'whatsapp_business_account', entry: 'nope' },
      path: 'payload.entry',
    },
    {
      what: 'a call without an event',
      type: 'call.connect',
      payload: { calls: [{ id: 'wacid.1' }] },
      path: 'payload.calls[].event',
    },
    {
      what: 'a Meta object with a bad message deep inside',
      type: 'message.inbound',
      payload: {
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ field: 'messages', value: { messages: [{ id: 'wamid.1', type: 'text' }] } }] }],
      },
      path: 'payload.entry[].changes[].value.messages[].timestamp',
    },
    {
      what: 'a numeric timestamp',
      type: 'message.status',
      payload: { statuses: [{ id: 'wamid.1', timestamp: 1700000000, status: 'read' }] },
      path: 'payload.statuses[].timestamp',
    },
    {
      what: 'null for an absent field',
      type: 'message.inbound',
      payload: { messages: [{ id: 'wamid.1', timestamp: '1', type: 'text', text: { body: 'hi' }, context: null }] },
      path: 'payload.messages[].context',
    },
  ])('accepts a known type with $what as sent, and names the departure at $path', ({ type, payload, path }) => {
    const event = parseEnvelope({ ...docsExample, event_type: type, payload });
    expect(event.payload).toEqual(payload);
    expect(departuresOf(event).map((departure) => departure.path)).toContain(path);
  });

  it('finds no departure in the docs example, nor in an unknown event type', () => {
    expect(departuresOf(parseEnvelope(docsExample))).toEqual([]);
    expect(
      departuresOf(parseEnvelope({ ...docsExample, event_type: 'account.update', payload: { x: [null] } })),
    ).toEqual([]);
  });

  it.each([
    { what: 'a payload that is a string', type: 'message.inbound', payload: 'hello' },
    { what: 'a payload that is an array', type: 'account.update', payload: [1, 2] },
    { what: 'a payload that is null', type: 'message.status', payload: null },
    { what: 'no payload', type: 'call.connect', payload: undefined },
  ])('invalid_envelope for $what: the envelope stays strict', ({ type, payload }) => {
    const error = refusal({ ...docsExample, event_type: type, payload });
    expect(error.code).toBe('invalid_envelope');
    expect(error.message).toContain('payload');
    expect(envelopeSchema.safeParse({ ...docsExample, event_type: type, payload }).success).toBe(false);
  });

  it('returns the parsed value itself, keys in the order sent, with a leading byte order mark ignored', () => {
    const text = JSON.stringify({
      payload: { z: 1, a: 2 },
      occurred_at: docsExample.occurred_at,
      event_id: 'e',
      event_type: 'x.y',
      account_id: 'MA',
    });
    for (const input of ['\ufeff' + text, new TextEncoder().encode('\ufeff' + text)]) {
      const event = parseEnvelope(input);
      expect(Object.keys(event)).toEqual(['payload', 'occurred_at', 'event_id', 'event_type', 'account_id', 'source']);
      expect(Object.keys(event.payload as object)).toEqual(['z', 'a']);
    }
    const parsed = JSON.parse(text);
    // A value passed in is not changed: the event is a copy that carries `source`.
    expect(parseEnvelope(parsed)).toEqual({ ...parsed, source: 'vobiz' });
    expect(parsed).not.toHaveProperty('source');
  });

  it('parses every event createTestEvent builds (round trip through JSON)', () => {
    for (const type of [
      'message.inbound',
      'message.status',
      'call.connect',
      'call.terminate',
      'call.status_change',
      'anything.else',
    ]) {
      const event = createTestEvent(type);
      expect(parseEnvelope(JSON.stringify(event))).toEqual(event);
    }
  });
});
