// Compile-time tests of handler typing, checked by `pnpm typecheck` (tsc), never run by
// Jest: the file name does not match *.test.ts. Each `@ts-expect-error` fails the
// type check if its line ever stops being an error.
import { expectTypeOf } from 'expect-type';
import {
  createReceiver,
  messagesOf,
  type CallEvent,
  type EventHandlers,
  type MessageInboundEvent,
  type MessageStatusEvent,
  type VobizEvent,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/express';

const secret = 'whsec_types';

// Each handler's event is typed by its key, inferred inside an options literal.
vobizWebhook({
  secret,
  on: {
    'message.inbound': (event) => {
      expectTypeOf(event).toEqualTypeOf<MessageInboundEvent>();
      expectTypeOf(event.event_type).toEqualTypeOf<'message.inbound'>();
      expectTypeOf(messagesOf(event)[0]?.text?.body).toEqualTypeOf<string | undefined>();
    },
    'message.status': (event) => {
      expectTypeOf(event).toEqualTypeOf<MessageStatusEvent>();
    },
    'call.connect': (event) => {
      expectTypeOf(event).toEqualTypeOf<CallEvent>();
      expectTypeOf(event.event_type).toEqualTypeOf<`call.${string}`>();
    },
    'call.terminate': async (event) => {
      expectTypeOf(event).toEqualTypeOf<CallEvent>();
    },
    'call.*': (event) => {
      expectTypeOf(event).toEqualTypeOf<CallEvent>();
    },
    '*': (event) => {
      expectTypeOf(event).toEqualTypeOf<VobizEvent>();
      expectTypeOf(event.event_type).toEqualTypeOf<string>();
    },
  },
});

// The same through createReceiver and the handler map type.
createReceiver({
  secret: [secret, 'whsec_next'],
  on: {
    'message.inbound': (event) => expectTypeOf(event).toEqualTypeOf<MessageInboundEvent>(),
    'call.status_change': (event) => expectTypeOf(event).toEqualTypeOf<CallEvent>(),
  },
});
expectTypeOf<NonNullable<EventHandlers['message.inbound']>>().parameter(0).toEqualTypeOf<MessageInboundEvent>();
expectTypeOf<NonNullable<EventHandlers['message.status']>>().parameter(0).toEqualTypeOf<MessageStatusEvent>();
expectTypeOf<NonNullable<EventHandlers['call.connect']>>().parameter(0).toEqualTypeOf<CallEvent>();
expectTypeOf<NonNullable<EventHandlers['call.*']>>().parameter(0).toEqualTypeOf<CallEvent>();
expectTypeOf<NonNullable<EventHandlers['*']>>().parameter(0).toEqualTypeOf<VobizEvent>();

// A misspelled event type is a compile error, in either entry point.
vobizWebhook({
  secret,
  on: {
    // @ts-expect-error 'message.recieved' is not an event type
    'message.recieved': () => undefined,
  },
});
createReceiver({
  secret,
  on: {
    // @ts-expect-error the retired 'message.received' is not an event type either
    'message.received': () => undefined,
  },
});

// A handler for one type cannot claim another type's event.
vobizWebhook({
  secret,
  on: {
    // @ts-expect-error a message.inbound handler never receives a CallEvent
    'message.inbound': (event: CallEvent) => event,
  },
});

// Options are checked too.
// @ts-expect-error `secret` is required
createReceiver({ on: {} });
// @ts-expect-error `secret` is a string or a list of strings
createReceiver({ secret: 42, on: {} });
// @ts-expect-error `dedupe` is a store or false, not true
createReceiver({ secret, on: {}, dedupe: true });
expectTypeOf<VobizWebhookOptions['maxEventAgeMs']>().toEqualTypeOf<number | false | undefined>();

// createTestEvent is typed by its event type.
expectTypeOf(createTestEvent('call.terminate')).toEqualTypeOf<CallEvent>();
expectTypeOf(createTestEvent('message.inbound')).toEqualTypeOf<MessageInboundEvent>();
expectTypeOf(createTestEvent('message.status', { status: 'played' })).toEqualTypeOf<MessageStatusEvent>();
expectTypeOf(createTestEvent('account.update')).toEqualTypeOf<VobizEvent>();

// Queue mode: `queue` instead of `on`; both together, or neither, is a compile error.
declare const queue: import('@vobiz-webhooks/core').EventQueue;
createReceiver({ secret, queue });
createReceiver({ secret, queue, enqueueTimeoutMs: 1_000 });
createReceiver({ secret, queue, storeTimeoutMs: 2_000 });
// @ts-expect-error a duration is a number of ms
createReceiver({ secret, queue, storeTimeoutMs: '2000' });
// @ts-expect-error the handlers belong to the worker in queue mode
createReceiver({ secret, queue, on: { '*': () => undefined } });
// @ts-expect-error inline mode needs `on`
createReceiver({ secret });
