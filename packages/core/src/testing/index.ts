import { signPayload } from '../node/signature';
import type {
  CallEvent,
  ChangeValue,
  EventFor,
  EventSource,
  LegacyEnvelope,
  MessageType,
  MetaObject,
  StatusValue,
  VobizEvent,
  WhatsAppPayload,
} from '../types';
import { legacyData, legacyTestEvent } from './legacy';
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
export { legacyEventName } from './legacy';

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
  /**
   * Which sender's body to build: `vobiz` (default), `vobiz-legacy` (Vobiz's earlier
   * envelope) or `meta` (Meta's webhook object, for `metaWebhook`: `account_id` is the
   * entry's id; `event_id` does not apply, each item's id is its key).
   */
  format?: EventSource;
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
  // What a handler of these types gets: the earlier envelope's `data`, or Meta's change value.
  if (type === 'contact.updated' || type === 'campaign.completed') {
    return legacyData(type, options, options.occurred_at ?? new Date(Number(timestamp) * 1000).toISOString());
  }
  if (type.startsWith('meta.')) return metaFieldValue(timestamp);
  if (type !== 'message.inbound' && type !== 'message.status' && !type.startsWith('call.')) {
    return { note: 'an event type this library does not know yet', sample: true };
  }
  const change = value(type, options, timestamp);
  if (options.shape === 'value') return change;
  const field = type.startsWith('call.') ? 'calls' : 'messages';
  return { object: 'whatsapp_business_account', entry: [{ id: TEST_WABA_ID, changes: [{ field, value: change }] }] };
}

/**
 * A realistic delivery body of any event type. By default Vobiz's current envelope,
 * typed by its `type`: `createTestEvent('message.inbound', { messageType: 'image' })`,
 * `createTestEvent('message.status', { status: 'failed' })`, `createTestEvent('call.connect')`.
 * With `format: 'vobiz-legacy'`, Vobiz's earlier envelope (`message.inbound` becomes
 * `message.received`, a status `message.<status>`; earlier names work too); with
 * `format: 'meta'`, the Meta webhook object Meta itself posts.
 */
export function createTestEvent(type: string, options: TestEventOptions & { format: 'vobiz-legacy' }): LegacyEnvelope;
export function createTestEvent(type: string, options: TestEventOptions & { format: 'meta' }): MetaObject;
export function createTestEvent<Type extends string>(
  type: Type,
  options?: TestEventOptions & { format?: 'vobiz' },
): EventFor<Type>;
export function createTestEvent(type: string, options?: TestEventOptions): VobizEvent | LegacyEnvelope | MetaObject;
export function createTestEvent(type: string, options: TestEventOptions = {}): unknown {
  if (options.format === 'vobiz-legacy') return legacyTestEvent(type, options);
  const occurredAt = options.occurred_at ?? new Date().toISOString();
  const timestamp = String(Math.floor(Date.parse(occurredAt) / 1000));
  if (options.format === 'meta') {
    const body = options.payload ?? metaObjectFor(type, options, timestamp);
    if (options.account_id !== undefined) for (const entry of (body as MetaObject).entry) entry.id = options.account_id;
    return body;
  }
  return {
    event_id: options.event_id ?? randomId(),
    event_type: type,
    account_id: options.account_id ?? 'MA_TEST0001',
    occurred_at: occurredAt,
    payload: options.payload ?? payloadFor(type, options, timestamp),
    // What the receiver adds on arrival, so the event equals what a handler receives.
    source: 'vobiz',
  };
}

/** Meta's own body for a type: a WhatsApp change for message and call types, else a change of field `<type>`. */
function metaObjectFor(type: string, options: TestEventOptions, timestamp: string): MetaObject {
  const known = type === 'message.inbound' || type === 'message.status' || type.startsWith('call.');
  if (known) return payloadFor(type, { ...options, shape: 'meta' }, timestamp) as MetaObject;
  const field = type.startsWith('meta.') ? type.slice('meta.'.length) : type;
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: TEST_WABA_ID, time: Number(timestamp), changes: [{ field, value: metaFieldValue(timestamp) }] }],
  } as MetaObject;
}

/** A change value of a field other than messages and calls, as Meta sends `account_update`. */
const metaFieldValue = (timestamp: string) => ({
  phone_number: TEST_DISPLAY_NUMBER,
  event: 'VERIFIED_ACCOUNT',
  timestamp,
});

/** How a test delivery is signed: by default the way its body's format is (see `signedRequest`). */
export interface SignOptions {
  format?: EventSource;
  /**
   * `vobiz-legacy` only, whose encoding Vobiz never documented: `hex` (default), `HEX`
   * or `base64`, and whether a `sha256=` prefix comes first.
   */
  encoding?: 'hex' | 'HEX' | 'base64';
  prefix?: boolean;
}

/** The headers of a Vobiz delivery. */
export type VobizHeaders = {
  'content-type': 'application/json';
  'x-webhook-signature': string;
  'x-webhook-event'?: string;
};
/** The headers of a delivery in Vobiz's earlier envelope. */
export type LegacyHeaders = {
  'content-type': 'application/json';
  'x-vobiz-signature': string;
};
/** The headers of a delivery from Meta. */
export type MetaHeaders = {
  'content-type': 'application/json';
  'x-hub-signature-256': string;
};

export interface SignedRequest<
  Body extends string | Uint8Array = string,
  Headers extends VobizHeaders | LegacyHeaders | MetaHeaders = VobizHeaders,
> {
  body: Body;
  headers: Headers;
}

/**
 * Signs a body (serialized once, here) or exact raw bytes as its sender does, with the
 * headers that sender sends: Vobiz's `X-Webhook-Signature`, the earlier envelope's
 * `X-Vobiz-Signature`, or Meta's `X-Hub-Signature-256`, chosen by the body's shape
 * unless `options.format` says. The key is the subscription secret, or for Meta the app
 * secret. Use with supertest (`.set(headers).send(body)`), `fetch` or
 * `new Request(url, { method: 'POST', headers, body })`. Raw bytes come back as given,
 * a `Uint8Array` (or `Buffer`) as such.
 */
export function signedRequest<Body extends string | Uint8Array>(
  rawBody: Body,
  secret: string,
  options: SignOptions & { format: 'vobiz-legacy' },
): SignedRequest<Body, LegacyHeaders>;
export function signedRequest<Body extends string | Uint8Array>(
  rawBody: Body,
  secret: string,
  options: SignOptions & { format: 'meta' },
): SignedRequest<Body, MetaHeaders>;
export function signedRequest<Body extends string | Uint8Array>(
  rawBody: Body,
  secret: string,
  options?: SignOptions,
): SignedRequest<Body>;
export function signedRequest(
  body: LegacyEnvelope,
  secret: string,
  options?: SignOptions,
): SignedRequest<string, LegacyHeaders>;
export function signedRequest(
  body: MetaObject,
  secret: string,
  options?: SignOptions,
): SignedRequest<string, MetaHeaders>;
export function signedRequest(
  event: VobizEvent | CallEvent | object,
  secret: string,
  options?: SignOptions,
): SignedRequest;
export function signedRequest(
  input: object | string | Uint8Array,
  secret: string,
  options: SignOptions = {},
): SignedRequest<string | Uint8Array, VobizHeaders | LegacyHeaders | MetaHeaders> {
  const body = typeof input === 'string' || input instanceof Uint8Array ? input : JSON.stringify(input);
  const parsed = parsedBody(input);
  const format = options.format ?? formatOf(parsed);
  const hex = signPayload(body, secret);
  if (format === 'meta') {
    return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hex}` } };
  }
  if (format === 'vobiz-legacy') {
    const encoded =
      options.encoding === 'base64'
        ? Buffer.from(hex, 'hex').toString('base64')
        : options.encoding === 'HEX'
          ? hex.toUpperCase()
          : hex;
    const signature = options.prefix === true ? `sha256=${encoded}` : encoded;
    return { body, headers: { 'content-type': 'application/json', 'x-vobiz-signature': signature } };
  }
  const type = (parsed as { event_type?: unknown } | undefined)?.event_type;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-webhook-signature': hex,
      ...(typeof type === 'string' ? { 'x-webhook-event': type } : {}),
    },
  };
}

function parsedBody(input: object | string | Uint8Array): unknown {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
  try {
    return JSON.parse(typeof input === 'string' ? input : new TextDecoder().decode(input));
  } catch {
    return undefined;
  }
}

/**
 * Who sends a body of this shape, as `signedRequest` signs it without `format`: Vobiz's
 * current envelope (`event_type`, or anything it cannot read), its earlier one (`event`
 * and `data`), or Meta (`entry`). Bytes and text are read as JSON.
 */
export function sourceOfBody(body: object | string | Uint8Array): EventSource {
  return formatOf(parsedBody(body));
}

/** A body's format by its shape: `event` and `data` are the earlier envelope, `entry` is Meta's object. */
function formatOf(value: unknown): EventSource {
  if (typeof value !== 'object' || value === null || 'event_type' in value) return 'vobiz';
  if ('event' in value && 'data' in value) return 'vobiz-legacy';
  if ('entry' in value) return 'meta';
  return 'vobiz';
}
