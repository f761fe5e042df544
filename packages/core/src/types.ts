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

/**
 * Where an event came from: Vobiz's current envelope, Vobiz's earlier envelope
 * (console-configured webhooks), or Meta's Cloud API directly. Handlers rarely need it:
 * every source is mapped to the same event types and payload shapes.
 */
export type EventSource = 'vobiz' | 'vobiz-legacy' | 'meta';

/** The formats `vobizWebhook` can accept (`formats` option). */
export type VobizFormat = Exclude<EventSource, 'meta'>;

/** A delivery in Vobiz's earlier envelope, exactly as it arrived (`event.legacy`). */
export interface LegacyEnvelope {
  /** Vobiz's earlier event name: `message.received`, `message.delivered`, `contact.updated`, … */
  event: string;
  event_id: string;
  /** ISO 8601. */
  timestamp: string;
  channel_id?: string;
  data: Record<string, unknown>;
  [key: string]: unknown;
}

interface Envelope<Type extends string, Payload> {
  /** The dedupe key: Vobiz's event id, or for Meta the item's id (see docs/architecture.md, "Formats"). */
  event_id: string;
  event_type: Type;
  /** Vobiz's account id, the earlier envelope's `channel_id`, or Meta's WhatsApp Business Account id. */
  account_id: string;
  /** ISO 8601 timestamp of the underlying event. */
  occurred_at: string;
  payload: Payload;
  source: EventSource;
  /** Vobiz's earlier envelope only: the body as it arrived, nothing dropped. */
  legacy?: LegacyEnvelope;
}

export type MessageInboundEvent = Envelope<'message.inbound', WhatsAppPayload>;
export type MessageStatusEvent = Envelope<'message.status', WhatsAppPayload>;
export type CallEvent = Envelope<`call.${string}`, WhatsAppPayload>;

/** `contact.updated` (Vobiz's earlier envelope): `data.contact` and `data.action`. */
export interface ContactUpdate {
  contact?: {
    id?: string;
    phone?: string;
    name?: string;
    email?: string;
    tags?: string[];
    custom_attributes?: Record<string, unknown>;
    created_at?: string;
    updated_at?: string;
    [key: string]: unknown;
  };
  /** `updated` or `created`. */
  action?: string;
  [key: string]: unknown;
}

/** `campaign.completed` (Vobiz's earlier envelope): `data.campaign` with its statistics. */
export interface CampaignCompletion {
  campaign?: {
    id?: string;
    name?: string;
    status?: string;
    started_at?: string;
    completed_at?: string;
    statistics?: Partial<Record<'total' | 'sent' | 'delivered' | 'read' | 'failed' | 'responses', number>> &
      Record<string, unknown>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type ContactUpdatedEvent = Envelope<'contact.updated', ContactUpdate>;
/** `metaWebhook`: a change of a field other than `messages` and `calls`; the payload is its `value`. */
export type MetaFieldEvent = Envelope<`meta.${string}`, Record<string, unknown>>;
export type CampaignCompletedEvent = Envelope<'campaign.completed', CampaignCompletion>;
/** An event type this version of the library does not know yet (only `'*'` receives it). */
export type UnknownEvent = Envelope<string, Record<string, unknown>>;
export type VobizEvent =
  MessageInboundEvent | MessageStatusEvent | CallEvent | ContactUpdatedEvent | CampaignCompletedEvent | UnknownEvent;

/** The event a handler key receives. */
export type EventFor<Key extends string> = Key extends 'message.inbound'
  ? MessageInboundEvent
  : Key extends 'message.status'
    ? MessageStatusEvent
    : Key extends `call.${string}`
      ? CallEvent
      : Key extends `meta.${string}`
        ? MetaFieldEvent
        : Key extends 'contact.updated'
          ? ContactUpdatedEvent
          : Key extends 'campaign.completed'
            ? CampaignCompletedEvent
            : VobizEvent;

/** Vobiz's earlier event names, and the handler key each one's events reach. */
export interface LegacyEventNames {
  'message.received': 'message.inbound';
  'message.sent': 'message.status';
  'message.delivered': 'message.status';
  'message.read': 'message.status';
  'message.failed': 'message.status';
}

/** A handler key that is one of Vobiz's earlier names: the type says which key to use. */
type UseInstead<Key extends string> = `Vobiz's earlier event name: use '${Key}' instead`;

/** A handler's return value is ignored; a throw or rejection fails the delivery (500, retried). */
export type EventHandler<E> = (event: E) => unknown;

export type EventHandlers = {
  'message.inbound'?: EventHandler<MessageInboundEvent>;
  'message.status'?: EventHandler<MessageStatusEvent>;
  /** Vobiz's earlier envelope: a contact was created or updated in the console. */
  'contact.updated'?: EventHandler<ContactUpdatedEvent>;
  /** Vobiz's earlier envelope: a broadcast campaign finished. */
  'campaign.completed'?: EventHandler<CampaignCompletedEvent>;
  /** Every `call.<event>` type, after its specific handler. */
  'call.*'?: EventHandler<CallEvent>;
  /** `metaWebhook`: every `meta.<field>` type, after its specific handler. */
  'meta.*'?: EventHandler<MetaFieldEvent>;
  /** Every event, including types added to Vobiz after this version; runs last. */
  '*'?: EventHandler<VobizEvent>;
  /** `call.connect`, `call.status_change`, `call.terminate`, and any later call event. */
  [eventType: `call.${string}`]: EventHandler<CallEvent> | undefined;
  /** `metaWebhook`: a change of any other field, whole (`meta.account_update`, `meta.message_template_status_update`…). */
  [eventType: `meta.${string}`]: EventHandler<MetaFieldEvent> | undefined;
} & {
  /** Vobiz's earlier names are mapped to the current event types: a handler under one would never run. */
  readonly [Legacy in keyof LegacyEventNames]?: UseInstead<LegacyEventNames[Legacy]>;
};

/** `console` and pino both fit. */
export interface Logger {
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** What the receiver tells the queue beside the event. */
export interface EnqueueOptions {
  /**
   * How long the queue should remember the event once handled, in ms: the receiver's
   * `dedupeTtlMs` (its whole accepted window by default, 7 days for `metaWebhook`). A queue
   * whose job ids dedupe across instances keeps the finished job at least that long.
   */
  keepMs: number;
}

/**
 * Queue mode: where the receiver puts verified events for workers to handle. `enqueue`
 * resolves only once the event is durably stored; the receiver answers 200 after that.
 * `key` is the event's dedupe key, for the queue's own job id.
 */
export interface EventQueue {
  enqueue(event: VobizEvent, key: string, options?: EnqueueOptions): Promise<void>;
}

/** Options every source and mode shares. */
export interface CommonOptions {
  /** Where claims and completed event ids live. Default: `memoryDedupeStore()`; `false` disables dedupe. */
  dedupe?: DedupeStore | false;
  /** Default `event => event.event_id`. Must return a non-empty string (anything else is answered 500 `internal_error`). */
  dedupeKey?: (event: VobizEvent) => string;
  /**
   * Reject events that occurred longer ago than this, or more than 5 minutes ahead.
   * Default 48 h (`metaWebhook`: 7 days, as long as Meta retries); `false` disables.
   */
  maxEventAgeMs?: number | false;
  /** Larger bodies get 413 before anything is hashed. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Express/Connect/Koa/Fastify, mounted at the app's root only. Default `/webhooks/vobiz` (`metaWebhook`: `/webhooks/meta`). */
  path?: string;
  /** Default `console`; `false` silences the library. */
  logger?: Logger | false;
  /** How long a claim blocks copies of an event while its handlers run (or it is enqueued). Default 60 s. */
  leaseMs?: number;
  /**
   * How long the receiver waits for the dedupe store to answer one operation. A claim with
   * no answer by then is 503 `store_unavailable` (a claim that still comes is given back); a
   * complete, logged and still 200; a release, logged. Default 5 s.
   */
  storeTimeoutMs?: number;
  /**
   * How long a handled event is remembered. Default: the whole accepted window,
   * `maxEventAgeMs` plus the 5 minutes an event may be ahead; shorter is refused, since a
   * replay inside the window would then be handled again.
   */
  dedupeTtlMs?: number;
}

/** Options of `vobizWebhook` in every mode. */
export interface SharedOptions extends CommonOptions {
  /** The subscription secret; several during a rotation (any one may match). */
  secret: string | readonly string[];
  /**
   * Which Vobiz formats are accepted, told apart by their signature header. Default both:
   * `'vobiz'` (`X-Webhook-Signature`) and `'vobiz-legacy'` (`X-Vobiz-Signature`).
   */
  formats?: readonly VobizFormat[];
}

/** Handlers run inside the request: the delivery is acknowledged once they all succeeded. */
export interface InlineMode {
  on: EventHandlers;
  queue?: undefined;
  enqueueTimeoutMs?: undefined;
}

/** Queue mode: the delivery is acknowledged once the event is queued; handlers run in workers. */
export interface QueueMode {
  queue: EventQueue;
  /** Handlers belong to the worker in queue mode. */
  on?: undefined;
  /** How long an enqueue may take before the answer is 503 `queue_unavailable`. Default 2 s. */
  enqueueTimeoutMs?: number;
}

export interface InlineOptions extends SharedOptions, InlineMode {}
export interface QueueOptions extends SharedOptions, QueueMode {}
export type VobizWebhookOptions = InlineOptions | QueueOptions;

/** Options of `metaWebhook` in every mode: Meta's WhatsApp Cloud API, received directly. */
export interface MetaSharedOptions extends CommonOptions {
  /** The Meta app's App Secret (App settings → Basic); several during a rotation. */
  appSecret: string | readonly string[];
  /** The Verify Token entered with the callback URL in the app dashboard, for the `GET` handshake. */
  verifyToken: string;
}

export interface MetaInlineOptions extends MetaSharedOptions, InlineMode {}
export interface MetaQueueOptions extends MetaSharedOptions, QueueMode {}
export type MetaWebhookOptions = MetaInlineOptions | MetaQueueOptions;
