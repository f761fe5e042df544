import {
  callsOf,
  contactsOf,
  errorsOf,
  messageEchoesOf,
  messagesOf,
  parseEnvelope,
  statusesOf,
  valuesOf,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';

const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
const message = (n: number) => ({
  from: `1650555000${n}`,
  id: `wamid.${n}`,
  timestamp: '1700000000',
  type: 'text',
  text: { body: `m${n}` },
});
const status = (n: number, value: string) => ({
  id: `wamid.${n}`,
  status: value,
  timestamp: '1700000000',
  recipient_id: '16505551234',
});
const contact = (n: number) => ({ profile: { name: `User ${n}` }, wa_id: `1650555000${n}` });

/** A Meta object with 2 entries; the first has 2 changes. */
const batched = parseEnvelope({
  event_id: 'b1',
  event_type: 'message.inbound',
  account_id: 'MA_1',
  occurred_at: '2026-03-25T10:00:00Z',
  payload: {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba-1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata,
              contacts: [contact(1)],
              messages: [message(1), message(2)],
            },
          },
          { field: 'messages', value: { messaging_product: 'whatsapp', metadata, statuses: [status(9, 'read')] } },
        ],
      },
      {
        id: 'waba-2',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata,
              contacts: [contact(3)],
              messages: [message(3)],
              statuses: [status(8, 'played')],
            },
          },
          {
            field: 'calls',
            value: { messaging_product: 'whatsapp', metadata, calls: [{ id: 'wacid.1', event: 'connect' }] },
          },
        ],
      },
    ],
  },
});

describe('payload helpers', () => {
  it('collect every item across entries and changes, in order', () => {
    expect(messagesOf(batched).map((m) => m.id)).toEqual(['wamid.1', 'wamid.2', 'wamid.3']);
    expect(statusesOf(batched).map((s) => `${s.id}:${s.status}`)).toEqual(['wamid.9:read', 'wamid.8:played']);
    expect(contactsOf(batched).map((c) => c.wa_id)).toEqual(['16505550001', '16505550003']);
    expect(callsOf(batched).map((c) => c.id)).toEqual(['wacid.1']);
    expect(valuesOf(batched)).toHaveLength(4);
  });

  it('read the change-value shape the same way', () => {
    const event = parseEnvelope({
      event_id: 'v1',
      event_type: 'message.inbound',
      account_id: 'MA_1',
      occurred_at: '2026-03-25T10:00:00Z',
      payload: { messaging_product: 'whatsapp', metadata, contacts: [contact(4)], messages: [message(4), message(5)] },
    });
    expect(messagesOf(event).map((m) => m.id)).toEqual(['wamid.4', 'wamid.5']);
    expect(contactsOf(event)).toHaveLength(1);
    expect(statusesOf(event)).toEqual([]);
    expect(callsOf(event)).toEqual([]);
  });

  it('give the same items for the same event in both shapes', () => {
    for (const type of ['message.inbound', 'message.status', 'call.connect', 'call.status_change']) {
      const meta = createTestEvent(type, { shape: 'meta', event_id: 'same' });
      const value = {
        ...meta,
        payload: (meta.payload as { entry: Array<{ changes: Array<{ value: unknown }> }> }).entry[0]!.changes[0]!.value,
      } as VobizEvent;
      for (const itemsOf of [messagesOf, statusesOf, callsOf, contactsOf] as const) {
        expect(itemsOf(value)).toEqual(itemsOf(meta));
      }
    }
  });

  it('return empty lists, never throw, for unknown-type payloads and odd shapes', () => {
    const odd = (payload: unknown) =>
      ({
        event_id: 'x',
        event_type: 'other.type',
        account_id: 'MA',
        occurred_at: '2026-03-25T10:00:00Z',
        payload,
      }) as VobizEvent;
    for (const payload of [
      {},
      { entry: 'x' },
      { entry: [null, { changes: 'no' }, { changes: [null, { value: 3 }] }] },
      { messages: 'no' },
      null,
      5,
    ]) {
      expect(messagesOf(odd(payload))).toEqual([]);
      expect(statusesOf(odd(payload))).toEqual([]);
      expect(callsOf(odd(payload))).toEqual([]);
      expect(contactsOf(odd(payload))).toEqual([]);
    }
  });

  it('find call status updates under statuses (field "calls")', () => {
    const event = createTestEvent('call.status_change', { status: 'ACCEPTED' });
    expect(statusesOf(event)).toEqual([expect.objectContaining({ type: 'call', status: 'ACCEPTED' })]);
    expect(callsOf(event)).toEqual([]);
  });
});

describe('errorsOf, messageEchoesOf, and the on-premises shape', () => {
  const envelope = (payload: object, event_type = 'message.inbound'): VobizEvent =>
    parseEnvelope({ event_id: 'e1', event_type, account_id: 'MA_1', occurred_at: '2026-03-25T10:00:00Z', payload });
  const outOfBand = { code: 131056, title: 'Pair rate limit hit', message: 'Pair rate limit hit' };
  const callError = { code: 138006, title: 'Call failed' };

  it('errorsOf gives value-level errors, then each call’s errors, value by value, across entries', () => {
    const event = envelope(
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'w1',
            changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata, errors: [outOfBand] } }],
          },
          {
            id: 'w2',
            changes: [
              {
                field: 'calls',
                value: {
                  messaging_product: 'whatsapp',
                  metadata,
                  errors: [{ code: 1 }],
                  calls: [
                    { id: 'wacid.1', event: 'terminate', errors: [callError] },
                    { id: 'wacid.2', event: 'terminate' },
                  ],
                },
              },
            ],
          },
        ],
      },
      'call.terminate',
    );
    expect(errorsOf(event)).toEqual([outOfBand, { code: 1 }, callError]);
  });

  it('errorsOf leaves a status’s own errors on the status', () => {
    const failed = { ...status(1, 'failed'), errors: [{ code: 131049, title: 'Not delivered' }] };
    const event = envelope({ messaging_product: 'whatsapp', metadata, statuses: [failed] }, 'message.status');
    expect(errorsOf(event)).toEqual([]);
    expect(statusesOf(event)[0]?.errors).toEqual(failed.errors);
  });

  it('messageEchoesOf gives every message_echoes item', () => {
    const echo = {
      from: '15550783881',
      to: '16505551234',
      id: 'wamid.echo',
      timestamp: '1700000000',
      type: 'text',
      text: { body: 'sent from the app' },
    };
    const event = envelope(
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'w1',
            changes: [
              {
                field: 'smb_message_echoes',
                value: {
                  messaging_product: 'whatsapp',
                  metadata,
                  message_echoes: [echo, { ...echo, id: 'wamid.echo2' }],
                },
              },
            ],
          },
        ],
      },
      'message.echo',
    );
    expect(messageEchoesOf(event).map((item) => item.id)).toEqual(['wamid.echo', 'wamid.echo2']);
    expect(messagesOf(event)).toEqual([]);
  });

  it('reads the on-premises body (messages, statuses, contacts and errors at the top, no entry)', () => {
    const onPremises = {
      contacts: [{ profile: { name: 'Kerry' }, wa_id: '16315551181' }],
      messages: [
        {
          from: '16315551181',
          id: 'ABGGFlA5FpafAgo6EhgEsTo',
          timestamp: '1518694235',
          type: 'text',
          text: { body: 'hi' },
        },
      ],
      statuses: [
        { id: 'gBGGFlA5FpafAgkOuJbRq54qwbM', recipient_id: '16315551181', status: 'read', timestamp: '1518694700' },
      ],
      errors: [{ code: 1014, title: 'Internal error', details: 'Upload failed on bad image' }],
    };
    const event = envelope(onPremises);
    expect(messagesOf(event)).toEqual(onPremises.messages);
    expect(statusesOf(event)).toEqual(onPremises.statuses);
    expect(contactsOf(event)).toEqual(onPremises.contacts);
    expect(errorsOf(event)).toEqual(onPremises.errors);
    expect(valuesOf(event)).toEqual([onPremises]);
  });
});
