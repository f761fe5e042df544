import { signPayload } from '../node/signature';
import type { CallEvent, ChangeValue, EventFor, MessageType, StatusValue, VobizEvent, WhatsAppPayload } from '../types';
import {
  TEST_DISPLAY_NUMBER,
  TEST_PHONE_NUMBER_ID,
  TEST_WABA_ID,
  sampleCall,
  sampleMessage,
  sampleStatus,
  type SampleMessageKind,
} from './fixtures';

export { sampleMessages, testMessageKinds, type SampleMessageKind } from './fixtures';

export interface TestEventOptions {
  event_id?: string;
  account_id?: string;
  /** ISO timestamp; default now. */
  occurred_at?: string;
  /** Replaces the generated payload entirely. */
  payload?: unknown;
  /** `message.inbound`: which kind of message (default `text`); any string builds an unknown type. */
  messageType?: SampleMessageKind | MessageType | (string & {});
  /** `message.status`: the status value (default `delivered`). */
  status?: StatusValue | (string & {});
  /** `meta` (default): the whole Meta object, as in Vobiz's examples; `value`: only the change value. */
  shape?: 'meta' | 'value';
}

let counter = 0;
const randomId = (): string => globalThis.crypto.randomUUID();

function value(type: string, options: TestEventOptions, timestamp: string): ChangeValue {
  const metadata = { display_phone_number: TEST_DISPLAY_NUMBER, phone_number_id: TEST_PHONE_NUMBER_ID };
  const n = ++counter;
  if (type === 'message.inbound') {
    return {
      messaging_product: 'whatsapp',
      metadata,
      contacts: [{ profile: { name: 'Ana García' }, wa_id: '16505551234' }],
      messages: [sampleMessage(options.messageType ?? 'text', n, timestamp)],
    };
  }
  if (type === 'message.status') {
    return {
      messaging_product: 'whatsapp',
      metadata,
      statuses: [sampleStatus(options.status ?? 'delivered', n, timestamp)],
    };
  }
  const callEvent = type.slice('call.'.length);
  if (callEvent === 'status_change') {
    const status = options.status ?? 'RINGING';
    return {
      messaging_product: 'whatsapp',
      metadata,
      statuses: [
        { id: sampleCall(callEvent, timestamp).id, type: 'call', status, timestamp, recipient_id: '16505551234' },
      ],
    };
  }
  return { messaging_product: 'whatsapp', metadata, calls: [sampleCall(callEvent, timestamp)] };
}

function payloadFor(
  type: string,
  options: TestEventOptions,
  timestamp: string,
): WhatsAppPayload | Record<string, unknown> {
  if (type !== 'message.inbound' && type !== 'message.status' && !type.startsWith('call.')) {
    return { note: 'an event type this library does not know yet', sample: true };
  }
  const change = value(type, options, timestamp);
  if (options.shape === 'value') return change;
  const field = type.startsWith('call.') ? 'calls' : 'messages';
  return { object: 'whatsapp_business_account', entry: [{ id: TEST_WABA_ID, changes: [{ field, value: change }] }] };
}

/**
 * A realistic Vobiz envelope of any event type, typed by its `type`:
 * `createTestEvent('message.inbound', { messageType: 'image' })`,
 * `createTestEvent('message.status', { status: 'failed' })`, `createTestEvent('call.connect')`.
 */
export function createTestEvent<Type extends string>(type: Type, options: TestEventOptions = {}): EventFor<Type> {
  const occurredAt = options.occurred_at ?? new Date().toISOString();
  const timestamp = String(Math.floor(Date.parse(occurredAt) / 1000));
  return {
    event_id: options.event_id ?? randomId(),
    event_type: type,
    account_id: options.account_id ?? 'MA_TEST0001',
    occurred_at: occurredAt,
    payload: options.payload ?? payloadFor(type, options, timestamp),
  } as unknown as EventFor<Type>;
}

export interface SignedRequest<Body extends string | Uint8Array = string> {
  body: Body;
  headers: {
    'content-type': 'application/json';
    'x-webhook-signature': string;
    'x-webhook-event'?: string;
  };
}

/**
 * Signs an event (serialized once, here) or exact raw bytes as Vobiz does, with the
 * headers Vobiz sends. Use with supertest (`.set(headers).send(body)`), `fetch` or
 * `new Request(url, { method: 'POST', headers, body })`.
 */
export function signedRequest(event: VobizEvent | CallEvent | object, secret: string): SignedRequest;
export function signedRequest<Body extends string | Uint8Array>(rawBody: Body, secret: string): SignedRequest<Body>;
export function signedRequest(input: object | string | Uint8Array, secret: string): SignedRequest<string | Uint8Array> {
  const body = typeof input === 'string' || input instanceof Uint8Array ? input : JSON.stringify(input);
  const eventType = eventTypeOf(input);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-webhook-signature': signPayload(body, secret),
      ...(eventType === undefined ? {} : { 'x-webhook-event': eventType }),
    },
  };
}

function eventTypeOf(input: object | string | Uint8Array): string | undefined {
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof input === 'string' ? input : new TextDecoder().decode(input));
    } catch {
      return undefined;
    }
  }
  const type = (value as { event_type?: unknown } | null)?.event_type;
  return typeof type === 'string' ? type : undefined;
}
