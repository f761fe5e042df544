import type { z } from 'zod';
import type {
  callSchema,
  changeValueSchema,
  contactSchema,
  messageEchoSchema,
  messageSchema,
  metaErrorSchema,
  metaObjectSchema,
  statusSchema,
} from './schemas';
export type { CallEventName, InteractiveType, MessageType, StatusValue } from './schemas';
import type { DedupeStore } from './dedupe';

export type Message = z.infer<typeof messageSchema>;
/** A message the business sent from the WhatsApp Business app, echoed to the API. */
export type MessageEcho = z.infer<typeof messageEchoSchema>;
export type Status = z.infer<typeof statusSchema>;
export type Call = z.infer<typeof callSchema>;
export type Contact = z.infer<typeof contactSchema>;
export type MetaError = z.infer<typeof metaErrorSchema>;
/** The WhatsApp change `value` (`{ messaging_product, metadata, contacts, messages | statuses | calls }`). */
export type ChangeValue = z.infer<typeof changeValueSchema>;
/** The whole Meta webhook object (`{ object, entry: [{ id, changes: [{ field, value }] }] }`). */
export type MetaObject = z.infer<typeof metaObjectSchema>;
/** Vobiz sends either shape (the change value also covers on-premises bodies): read it through `messagesOf` & co. */
export type WhatsAppPayload = MetaObject | ChangeValue;

interface Envelope<Type extends string, Payload> {
  event_id: string;
  event_type: Type;
  account_id: string;
  /** ISO 8601 timestamp of the underlying event. */
  occurred_at: string;
  payload: Payload;
}

export type MessageInboundEvent = Envelope<'message.inbound', WhatsAppPayload>;
export type MessageStatusEvent = Envelope<'message.status', WhatsAppPayload>;
export type CallEvent = Envelope<`call.${string}`, WhatsAppPayload>;
/** An event type this version of the library does not know yet (only `'*'` receives it). */
export type UnknownEvent = Envelope<string, Record<string, unknown>>;
export type VobizEvent = MessageInboundEvent | MessageStatusEvent | CallEvent | UnknownEvent;

/** The event a handler key receives. */
export type EventFor<Key extends string> = Key extends 'message.inbound'
  ? MessageInboundEvent
  : Key extends 'message.status'
    ? MessageStatusEvent
    : Key extends `call.${string}`
      ? CallEvent
      : VobizEvent;

/** A handler's return value is ignored; a throw or rejection fails the delivery (500, retried). */
export type EventHandler<E> = (event: E) => unknown;

export interface EventHandlers {
  'message.inbound'?: EventHandler<MessageInboundEvent>;
  'message.status'?: EventHandler<MessageStatusEvent>;
  /** Every `call.<event>` type, after its specific handler. */
  'call.*'?: EventHandler<CallEvent>;
  /** Every event, including types added to Vobiz after this version; runs last. */
  '*'?: EventHandler<VobizEvent>;
  /** `call.connect`, `call.status_change`, `call.terminate`, and any later call event. */
  [eventType: `call.${string}`]: EventHandler<CallEvent> | undefined;
}

/** `console` and pino both fit. */
export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * Queue mode: where the receiver puts verified events for workers to handle. `enqueue`
 * resolves only once the event is durably stored; the receiver answers 200 after that.
 * `key` is the event's dedupe key, for the queue's own job id.
 */
export interface EventQueue {
  enqueue(event: VobizEvent, key: string): Promise<void>;
}

/** Options every mode shares. */
export interface SharedOptions {
  /** The subscription secret; several during a rotation (any one may match). */
  secret: string | readonly string[];
  /** Where claims and completed event ids live. Default: `memoryDedupeStore()`; `false` disables dedupe. */
  dedupe?: DedupeStore | false;
  /** Default `event => event.event_id`. Must return a non-empty string (anything else is answered 500 `internal_error`). */
  dedupeKey?: (event: VobizEvent) => string;
  /** Reject `occurred_at` older than this, or more than 5 minutes ahead. Default 48 h; `false` disables. */
  maxEventAgeMs?: number | false;
  /** Larger bodies get 413 before anything is hashed. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Express/Connect/Koa, mounted at the app's root only. Default `/webhooks/vobiz`. */
  path?: string;
  /** Default `console`; `false` silences the library. */
  logger?: Logger | false;
  /** How long a claim blocks copies of an event while its handlers run (or it is enqueued). Default 60 s. */
  leaseMs?: number;
  /**
   * How long a handled event is remembered. Default: the whole accepted window,
   * `maxEventAgeMs` plus the 5 minutes an event may be ahead; shorter is refused, since a
   * replay inside the window would then be handled again.
   */
  dedupeTtlMs?: number;
}

/** Handlers run inside the request: the delivery is acknowledged once they all succeeded. */
export interface InlineOptions extends SharedOptions {
  on: EventHandlers;
  queue?: undefined;
  enqueueTimeoutMs?: undefined;
}

/** Queue mode: the delivery is acknowledged once the event is queued; handlers run in workers. */
export interface QueueOptions extends SharedOptions {
  queue: EventQueue;
  /** Handlers belong to the worker in queue mode. */
  on?: undefined;
  /** How long an enqueue may take before the answer is 503 `queue_unavailable`. Default 2 s. */
  enqueueTimeoutMs?: number;
}

export type VobizWebhookOptions = InlineOptions | QueueOptions;
