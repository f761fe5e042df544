import { describeIssues } from '../envelope';
import { VobizWebhookError } from '../errors';
import { metaEnvelopeSchema } from '../schemas';
import { decodePrefixedSignature } from '../signature-format';
import type { VobizEvent } from '../types';
import { contentHash } from './content-hash';
import { isoFromUnix, isRecord, parseJson, type WireFormat } from './format';

type Json = Record<string, unknown>;

/** What every event from one change shares: where it came from and when, failing the item's own time. */
interface ChangeContext {
  account: string;
  /** The entry's `time`, else the moment the body arrived. */
  fallbackTime: string;
  /** The change value without the arrays split into items. */
  shared: Json;
  contacts: readonly unknown[];
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

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const joined = (...parts: unknown[]): string | undefined =>
  parts.every((part) => text(part) !== undefined) ? parts.join(':') : undefined;

const MESSAGES: ItemKind = {
  array: 'messages',
  type: () => 'message.inbound',
  key: (item) => text(item['id']),
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
  type: (item) => `call.${text(item['event']) ?? 'unknown'}`,
  key: (item) => joined(item['id'], item['event']),
  contactField: 'from',
};
const CALL_STATUSES: ItemKind = { ...STATUSES, type: () => 'call.status_change' };

/** Which arrays of a change value are split into one event per item, by the change's field. */
const ITEMS_BY_FIELD: Readonly<Record<string, readonly ItemKind[]>> = {
  messages: [MESSAGES, STATUSES],
  calls: [CALLS, CALL_STATUSES],
};

/** The `contacts[]` entry an item belongs to: by WhatsApp id, else by position when the arrays pair up. */
function contactOf(id: unknown, index: number, count: number, contacts: readonly unknown[]): unknown {
  const match = contacts.find((contact) => isRecord(contact) && id !== undefined && contact['wa_id'] === id);
  if (match !== undefined) return match;
  return contacts.length === count ? contacts[index] : undefined;
}

function event(type: string, key: string, account: string, occurredAt: string, payload: Json): VobizEvent {
  return { event_id: key, event_type: type, account_id: account, occurred_at: occurredAt, payload, source: 'meta' };
}

/** One event per item: its payload is a change value holding that item, its contact, and what the change shares. */
function itemEvents(kind: ItemKind, items: readonly unknown[], context: ChangeContext, out: VobizEvent[]): void {
  items.forEach((item, index) => {
    const record = isRecord(item) ? item : {};
    const contact = contactOf(record[kind.contactField], index, items.length, context.contacts);
    const payload = {
      ...context.shared,
      ...(contact === undefined ? {} : { contacts: [contact] }),
      [kind.array]: [item],
    };
    const key = kind.key(record) ?? `meta.${kind.array}:${context.account}:${contentHash(JSON.stringify(item))}`;
    const occurredAt = isoFromUnix(record['timestamp']) ?? context.fallbackTime;
    out.push(event(kind.type(record), key, context.account, occurredAt, payload));
  });
}

/** A change's events: one per item for `messages` and `calls`, else one `meta.<field>` for the whole value. */
function changeEvents(field: string, value: unknown, account: string, fallbackTime: string, out: VobizEvent[]): void {
  const before = out.length;
  const kinds = ITEMS_BY_FIELD[field];
  if (kinds !== undefined && isRecord(value)) {
    const shared: Json = { ...value };
    for (const kind of kinds) delete shared[kind.array];
    delete shared['contacts'];
    const contacts = Array.isArray(value['contacts']) ? value['contacts'] : [];
    for (const kind of kinds) {
      const items = value[kind.array];
      if (Array.isArray(items)) itemEvents(kind, items, { account, fallbackTime, shared, contacts }, out);
    }
  }
  // Any other field, or a change with no items (only errors, say): the whole value, for `'*'`.
  if (out.length === before) {
    const payload = isRecord(value) ? value : { value };
    const key = `meta.${field}:${account}:${contentHash(JSON.stringify(value) ?? '')}`;
    const occurredAt = (isRecord(value) ? isoFromUnix(value['timestamp']) : undefined) ?? fallbackTime;
    out.push(event(`meta.${field}`, key, account, occurredAt, payload));
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
  acceptedBy: 'metaWebhook',
  decodeSignature: decodePrefixedSignature,
  events(body) {
    const value = parseJson(body);
    const verdict = metaEnvelopeSchema.safeParse(value);
    if (!verdict.success) {
      const why = describeIssues(verdict.error, "Meta's webhook object");
      throw new VobizWebhookError('invalid_envelope', `Invalid Meta webhook body: ${why}`);
    }
    const arrived = new Date().toISOString();
    const events: VobizEvent[] = [];
    for (const entry of (value as { entry: Json[] }).entry) {
      const account = entry['id'] === undefined ? '' : String(entry['id']);
      const fallbackTime = isoFromUnix(entry['time']) ?? arrived;
      const changes = entry['changes'];
      if (!Array.isArray(changes)) {
        changeEvents('entry', entry, account, fallbackTime, events);
        continue;
      }
      for (const change of changes as Json[]) {
        changeEvents(String(change['field']), change['value'], account, fallbackTime, events);
      }
    }
    return events;
  },
};
