import { describeIssues } from '../envelope';
import { VobizWebhookError } from '../errors';
import { metaEnvelopeSchema } from '../schemas';
import { decodePrefixedSignature } from '../signature-format';
import type { VobizEvent } from '../types';
import { contentHash } from './content-hash';
import { isoFromUnix, isRecord, parseJson, type WireFormat } from './format';

type Json = Record<string, unknown>;

/** Where a change sits in the body, and what its events share. */
interface Place {
  account: string;
  /** The entry's `time` as sent (part of content keys: a later, identical notification is a new event). */
  entryTime: unknown;
  /** The entry's `time`, else the moment the body arrived: for items without a timestamp. */
  fallbackTime: string;
  /** The body's text and the change's position in it, to key a change that cannot be serialized. */
  body: string;
  position: string;
}

/** What every event from one change shares beside its place. */
interface ChangeContext extends Place {
  /** The change value without the arrays split into items. */
  shared: Json;
  /** `contacts[]` by WhatsApp id. */
  contacts: ReadonlyMap<unknown, unknown>;
  /** `contacts[]` as sent, for pairing messages with contacts that carry no id. */
  contactList: readonly unknown[];
}

/** How one array of a change value becomes events. */
interface ItemKind {
  array: 'messages' | 'statuses' | 'calls';
  type(item: Json): string;
  /** The item's dedupe key, when it has the id that makes one. */
  key(item: Json): string | undefined;
  /** Which field of the item names the contact it belongs to. */
  contactField: 'from' | 'recipient_id';
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const joined = (...parts: unknown[]): string | undefined =>
  parts.every((part) => nonEmpty(part) !== undefined) ? parts.join(':') : undefined;

const MESSAGES: ItemKind = {
  array: 'messages',
  type: () => 'message.inbound',
  key: (item) => nonEmpty(item['id']),
  contactField: 'from',
};
const STATUSES: ItemKind = {
  array: 'statuses',
  type: () => 'message.status',
  key: (item) => joined(item['id'], item['status']),
  contactField: 'recipient_id',
};
const CALLS: ItemKind = {
  array: 'calls',
  type: (item) => `call.${nonEmpty(item['event']) ?? 'unknown'}`,
  key: (item) => joined(item['id'], item['event']),
  contactField: 'from',
};
const CALL_STATUSES: ItemKind = { ...STATUSES, type: () => 'call.status_change' };

/** Which arrays of a change value are split into one event per item, by the change's field. */
const ITEMS_BY_FIELD: ReadonlyMap<string, readonly ItemKind[]> = new Map([
  ['messages', [MESSAGES, STATUSES]],
  ['calls', [CALLS, CALL_STATUSES]],
]);

/**
 * A key for content that has no id of its own: a hash of it, with where it came from.
 * JSON.stringify can throw on a value nested too deeply for the stack (JSON.parse is
 * iterative); the body's text and the change's position are then the content.
 */
function contentKey(prefix: string, content: unknown, place: Place): string {
  let serialized: string;
  try {
    serialized = `${String(place.entryTime)}:${JSON.stringify(content) ?? ''}`;
  } catch {
    serialized = `${place.position}:${place.body}`;
  }
  return `${prefix}:${place.account}:${contentHash(serialized)}`;
}

/**
 * The `contacts[]` entry an item belongs to: by WhatsApp id; a message without a match
 * takes the contact at its position when that contact carries no id to say otherwise.
 */
function contactOf(kind: ItemKind, item: Json, index: number, count: number, context: ChangeContext): unknown {
  const match = context.contacts.get(item[kind.contactField]);
  if (match !== undefined || kind !== MESSAGES || context.contactList.length !== count) return match;
  const paired = context.contactList[index];
  return isRecord(paired) && paired['wa_id'] === undefined ? paired : undefined;
}

function event(type: string, key: string, account: string, occurredAt: string, payload: Json): VobizEvent {
  return { event_id: key, event_type: type, account_id: account, occurred_at: occurredAt, payload, source: 'meta' };
}

/** One event per item: its payload is a change value holding that item, its contact, and what the change shares. */
function itemEvents(kind: ItemKind, items: readonly unknown[], context: ChangeContext, out: VobizEvent[]): void {
  items.forEach((item, index) => {
    const record = isRecord(item) ? item : {};
    const contact = contactOf(kind, record, index, items.length, context);
    const payload = {
      ...context.shared,
      ...(contact === undefined ? {} : { contacts: [contact] }),
      [kind.array]: [item],
    };
    const position = `${context.position}.${kind.array}.${index}`;
    const key = kind.key(record) ?? contentKey(`meta.${kind.array}`, item, { ...context, position });
    const occurredAt = isoFromUnix(record['timestamp']) ?? context.fallbackTime;
    out.push(event(kind.type(record), key, context.account, occurredAt, payload));
  });
}

/** A change's events: one per item for `messages` and `calls`, else one `meta.<field>` for the whole value. */
function changeEvents(field: string, value: unknown, place: Place, out: VobizEvent[]): void {
  const before = out.length;
  const kinds = ITEMS_BY_FIELD.get(field);
  if (kinds !== undefined && isRecord(value)) {
    const shared: Json = { ...value };
    for (const kind of kinds) delete shared[kind.array];
    delete shared['contacts'];
    const contactList = Array.isArray(value['contacts']) ? (value['contacts'] as unknown[]) : [];
    const contacts = new Map<unknown, unknown>();
    for (const contact of contactList) if (isRecord(contact)) contacts.set(contact['wa_id'], contact);
    contacts.delete(undefined);
    for (const kind of kinds) {
      const items = value[kind.array];
      if (Array.isArray(items)) itemEvents(kind, items, { ...place, shared, contacts, contactList }, out);
    }
  }
  // Any other field, or a change with no items (only errors, say): the whole value, for `'*'`.
  if (out.length === before) {
    const payload = isRecord(value) ? value : { value };
    const occurredAt = (isRecord(value) ? isoFromUnix(value['timestamp']) : undefined) ?? place.fallbackTime;
    out.push(event(`meta.${field}`, contentKey(`meta.${field}`, value, place), place.account, occurredAt, payload));
  }
}

/**
 * Meta's WhatsApp Cloud API, received directly: `X-Hub-Signature-256: sha256=<hex>`,
 * and one event per item of every entry and change, each deduped on its own key
 * (messages by `id`, statuses by `id` and `status`, calls by `id` and `event`, anything
 * else by a hash of the change) and occurred at the item's `timestamp`.
 */
export const metaFormat: WireFormat = {
  source: 'meta',
  signatureHeader: 'x-hub-signature-256',
  signatureName: 'X-Hub-Signature-256',
  acceptedBy: 'metaWebhook (createMetaReceiver in the core)',
  decodeSignature: decodePrefixedSignature,
  events(text) {
    const body = parseJson(text);
    const verdict = metaEnvelopeSchema.safeParse(body);
    if (!verdict.success) {
      const why = describeIssues(verdict.error, "Meta's webhook object");
      throw new VobizWebhookError('invalid_envelope', `Invalid Meta webhook body: ${why}`);
    }
    const arrived = new Date().toISOString();
    const events: VobizEvent[] = [];
    (body as { entry: Json[] }).entry.forEach((entry, entryIndex) => {
      const place = {
        account: String(entry['id'] ?? ''),
        entryTime: entry['time'],
        fallbackTime: isoFromUnix(entry['time']) ?? arrived,
        body: text,
        position: String(entryIndex),
      };
      const changes = (entry['changes'] ?? undefined) as Json[] | undefined;
      // An entry without changes (another product's shape) reaches `'*'` whole, as `meta.entry`.
      if (changes === undefined) changeEvents('entry', entry, place, events);
      changes?.forEach((change, changeIndex) => {
        const position = `${entryIndex}.${changeIndex}`;
        changeEvents(change['field'] as string, change['value'], { ...place, position }, events);
      });
    });
    return events;
  },
};
