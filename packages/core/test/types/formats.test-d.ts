// Compile-time tests of the formats' types (Vobiz's earlier envelope, Meta's Cloud API),
// checked by `pnpm typecheck` (tsc), never run by Jest: the file name does not match
// *.test.ts. Each `@ts-expect-error` fails the type check if its line ever stops being an error.
import { expectTypeOf } from 'expect-type';
import {
  createMetaReceiver,
  createReceiver,
  type CampaignCompletedEvent,
  type ContactUpdatedEvent,
  type EventHandlers,
  type EventSource,
  type LegacyEnvelope,
  type MessageInboundEvent,
  type MetaFieldEvent,
  type MetaObject,
  type MetaWebhookOptions,
  type VobizEvent,
  type VobizFormat,
} from '@vobiz-webhooks/core';
import {
  createTestEvent,
  signedRequest,
  type LegacyHeaders,
  type MetaHeaders,
  type SignedRequest,
  type VobizHeaders,
} from '@vobiz-webhooks/core/testing';

const secret = 'whsec_types';
const meta = { appSecret: 'meta_app_secret', verifyToken: 'verify-token' };

// A handler that reads only what every source has compiles for both receivers, under any key.
const audit = (event: { source: EventSource; event_id: string }): string => `${event.source}:${event.event_id}`;
createReceiver({ secret, on: { 'message.inbound': audit, 'contact.updated': audit, '*': audit } });
createMetaReceiver({ ...meta, on: { 'message.status': audit, 'call.*': audit, '*': audit } });

// Every event says where it came from; only the earlier envelope's keeps its body.
createReceiver({
  secret,
  formats: ['vobiz', 'vobiz-legacy'],
  on: {
    '*': (event) => {
      expectTypeOf(event.source).toEqualTypeOf<EventSource>();
      expectTypeOf(event.legacy).toEqualTypeOf<LegacyEnvelope | undefined>();
    },
  },
});
expectTypeOf<EventSource>().toEqualTypeOf<'vobiz' | 'vobiz-legacy' | 'meta'>();
expectTypeOf<VobizFormat>().toEqualTypeOf<'vobiz' | 'vobiz-legacy'>();

// The earlier envelope's own event types are typed by their data.
createReceiver({
  secret,
  on: {
    'contact.updated': (event) => {
      expectTypeOf(event).toEqualTypeOf<ContactUpdatedEvent>();
      expectTypeOf(event.payload.contact?.email).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.payload.contact?.tags).toEqualTypeOf<string[] | undefined>();
      expectTypeOf(event.payload.action).toEqualTypeOf<string | undefined>();
    },
    'campaign.completed': (event) => {
      expectTypeOf(event).toEqualTypeOf<CampaignCompletedEvent>();
      expectTypeOf(event.payload.campaign?.statistics?.delivered).toEqualTypeOf<number | undefined>();
    },
  },
});

// Earlier names and misspellings are not handler keys, in either receiver.
createReceiver({
  secret,
  on: {
    // @ts-expect-error 'message.received' arrives as 'message.inbound'
    'message.received': () => undefined,
  },
});
createReceiver({
  secret,
  on: {
    // @ts-expect-error 'message.delivered' arrives as 'message.status'
    'message.delivered': () => undefined,
  },
});
createMetaReceiver({
  ...meta,
  on: {
    // @ts-expect-error 'message.inbond' is misspelled
    'message.inbond': () => undefined,
  },
});
createMetaReceiver({
  ...meta,
  on: {
    // @ts-expect-error 'message.failed' arrives as 'message.status'
    'message.failed': () => undefined,
  },
});
// 'meta.*' takes every other field of Meta's, typed as such.
createMetaReceiver({
  ...meta,
  on: {
    'meta.*': (event) => {
      expectTypeOf(event).toEqualTypeOf<MetaFieldEvent>();
      expectTypeOf(event.event_type).toEqualTypeOf<`meta.${string}`>();
    },
  },
});
// The type of an earlier name says which key to use.
expectTypeOf<EventHandlers['message.received']>().toEqualTypeOf<
  "Vobiz's earlier event name: use 'message.inbound' instead" | undefined
>();
expectTypeOf<EventHandlers['message.read']>().toEqualTypeOf<
  "Vobiz's earlier event name: use 'message.status' instead" | undefined
>();

// `formats` names Vobiz's formats only; Meta has its own receiver and options.
// @ts-expect-error Meta's deliveries go to createMetaReceiver
createReceiver({ secret, on: {}, formats: ['meta'] });
// @ts-expect-error `formats` is a list
createReceiver({ secret, on: {}, formats: 'vobiz' });
// @ts-expect-error createMetaReceiver takes `appSecret`, not `secret`
createMetaReceiver({ secret, verifyToken: 'verify-token', on: {} });
// @ts-expect-error `verifyToken` is required for the handshake
createMetaReceiver({ appSecret: 'meta_app_secret', on: {} });
// @ts-expect-error createMetaReceiver has no `formats`
createMetaReceiver({ ...meta, on: {}, formats: ['vobiz'] });
createMetaReceiver({ ...meta, appSecret: ['meta_old', 'meta_new'], queue: { enqueue: async () => undefined } });
expectTypeOf<MetaWebhookOptions['maxEventAgeMs']>().toEqualTypeOf<number | false | undefined>();

// createTestEvent is typed by the format it builds.
expectTypeOf(createTestEvent('message.inbound', { format: 'meta' })).toEqualTypeOf<MetaObject>();
expectTypeOf(createTestEvent('message.received', { format: 'vobiz-legacy' })).toEqualTypeOf<LegacyEnvelope>();
expectTypeOf(createTestEvent('message.inbound', { format: 'vobiz' })).toEqualTypeOf<MessageInboundEvent>();
expectTypeOf(createTestEvent('account.update')).toEqualTypeOf<VobizEvent>();

// signedRequest's headers follow the body's format.
expectTypeOf(
  signedRequest(createTestEvent('message.inbound', { format: 'meta' }), secret).headers,
).toEqualTypeOf<MetaHeaders>();
expectTypeOf(
  signedRequest(createTestEvent('message.read', { format: 'vobiz-legacy' }), secret, {
    encoding: 'base64',
    prefix: true,
  }).headers,
).toEqualTypeOf<LegacyHeaders>();
expectTypeOf(signedRequest(createTestEvent('message.inbound'), secret).headers).toEqualTypeOf<VobizHeaders>();
// Raw bytes come back as they were given: a Uint8Array is no event to serialize.
const bytes: Uint8Array = new TextEncoder().encode('{}');
const buffer: Buffer = Buffer.from('{}');
expectTypeOf(signedRequest(bytes, secret).body).toEqualTypeOf<Uint8Array>();
expectTypeOf(signedRequest(buffer, secret, { format: 'meta' })).toEqualTypeOf<SignedRequest<Buffer, MetaHeaders>>();
const text: string = '{}';
expectTypeOf(signedRequest(text, secret).body).toEqualTypeOf<string>();
// @ts-expect-error the earlier envelope's encodings are hex, HEX and base64
signedRequest(createTestEvent('message.read', { format: 'vobiz-legacy' }), secret, { encoding: 'base32' });
