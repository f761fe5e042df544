import { describeIssues } from '../envelope';
import { VobizWebhookError } from '../errors';
import { envelopeSchema, iso8601Time, legacyEnvelopeSchema } from '../schemas';
import { decodeAnySignature } from '../signature-format';
import type { ChangeValue, LegacyEnvelope, LegacyEventNames, VobizEvent } from '../types';
import { isoFromUnix, isRecord, parseJson, type WireFormat } from './format';

/**
 * Vobiz's earlier event names that map to current types, and the type each becomes.
 * The receiver refuses them as handler keys (`handlers.ts`): no event arrives under them.
 */
export const LEGACY_EVENT_TYPES: Readonly<LegacyEventNames> = {
  'message.received': 'message.inbound',
  'message.sent': 'message.status',
  'message.delivered': 'message.status',
  'message.read': 'message.status',
  'message.failed': 'message.status',
};

/** The current type for an earlier name, read as an own key only (`toString` is not an event name of ours). */
const currentType = (name: string): string | undefined =>
  Object.hasOwn(LEGACY_EVENT_TYPES, name) ? LEGACY_EVENT_TYPES[name as keyof LegacyEventNames] : undefined;

/** A timestamp as Meta writes it, unix seconds in a string: from an ISO date, or from a number of seconds. */
function unixSeconds(value: unknown, fallback: string): string {
  const iso = typeof value === 'string' && Number.isNaN(Number(value)) ? value : isoFromUnix(value);
  const ms = Date.parse(iso ?? fallback);
  return String(Math.floor((Number.isNaN(ms) ? Date.parse(fallback) : ms) / 1000));
}

const present = <Value>(key: string, value: Value | null | undefined): Record<string, Value> =>
  value === undefined || value === null ? {} : { [key]: value };

/** `message.received`'s data as a Meta change value: one message, one contact. */
function inboundValue(data: Record<string, unknown>, timestamp: string): ChangeValue {
  const contact = isRecord(data['contact']) ? data['contact'] : undefined;
  const from = data['from'] ?? contact?.['phone'];
  const type = data['type'];
  const message = {
    ...present('from', from),
    ...present('id', data['message_id']),
    timestamp: unixSeconds(data['timestamp'], timestamp),
    ...present('type', type),
    ...(typeof type === 'string' && Object.hasOwn(data, type) ? present(type, data[type]) : {}),
    ...present('context', data['context']),
  };
  const profile = present('name', contact?.['name']);
  const contacts = from === undefined && contact === undefined ? [] : [{ ...present('wa_id', from), profile }];
  return {
    messaging_product: 'whatsapp',
    ...(contacts.length > 0 ? { contacts } : {}),
    messages: [message],
  } as ChangeValue;
}

/** A status event's data as a Meta change value: one status, with `errors[]` for a failure. */
function statusValue(data: Record<string, unknown>, status: string, timestamp: string): ChangeValue {
  const given = data['error'];
  // A failure's error as Meta's `errors[]`; a bare string is its message.
  const error = isRecord(given) ? given : typeof given === 'string' ? { message: given } : undefined;
  const errors =
    error === undefined
      ? undefined
      : [
          {
            ...present('code', error['code']),
            ...present('title', error['message']),
            ...present('message', error['message']),
            ...(error['details'] === undefined ? {} : { error_data: { details: error['details'] } }),
          },
        ];
  const item = {
    ...present('id', data['message_id']),
    // The event name says which status it is; `data.status` stays on `event.legacy`.
    status,
    timestamp: unixSeconds(data['timestamp'], timestamp),
    ...present('recipient_id', data['to']),
    ...present('errors', errors),
  };
  return { messaging_product: 'whatsapp', statuses: [item] } as ChangeValue;
}

/** Which event type and payload an earlier event becomes, so the same handlers serve both formats. */
function mapped(body: LegacyEnvelope): Pick<VobizEvent, 'event_type' | 'payload'> {
  const { event: name, data, timestamp } = body;
  const type = currentType(name);
  if (type === 'message.inbound') return { event_type: type, payload: inboundValue(data, timestamp) };
  if (type === 'message.status') {
    return { event_type: type, payload: statusValue(data, name.slice('message.'.length), timestamp) };
  }
  // contact.updated, campaign.completed, and names added later: the data as it came.
  return { event_type: name, payload: data };
}

/** What every event's `occurred_at` is: the current envelope's own check. */
const RFC_3339 = envelopeSchema.shape.occurred_at;

/** The envelope's `timestamp` as sent when it is RFC 3339, as every event's `occurred_at` is; else that instant in it. */
const occurredAt = (timestamp: string): string =>
  RFC_3339.safeParse(timestamp).success ? timestamp : new Date(iso8601Time(timestamp) as number).toISOString();

/**
 * Vobiz's earlier envelope, for console-configured webhooks: `X-Vobiz-Signature`, whose
 * encoding was never documented (hex or base64, with or without `sha256=`), and
 * `{ event, event_id, timestamp, channel_id, data }`. Mapped to the current event types;
 * deduped on `event_id`, occurred at `timestamp`; the body stays on `event.legacy`.
 */
export const vobizLegacyFormat: WireFormat = {
  source: 'vobiz-legacy',
  signatureHeader: 'x-vobiz-signature',
  signatureName: 'X-Vobiz-Signature',
  acceptedBy: "vobizWebhook with 'vobiz-legacy' in `formats`",
  decodeSignature: decodeAnySignature,
  events(text) {
    const body = parseJson(text);
    const verdict = legacyEnvelopeSchema.safeParse(body);
    if (!verdict.success) {
      const why = describeIssues(verdict.error, "Vobiz's earlier envelope");
      throw new VobizWebhookError('invalid_envelope', `Invalid envelope (X-Vobiz-Signature format): ${why}`);
    }
    const legacy = body as LegacyEnvelope;
    const event = {
      event_id: legacy.event_id,
      ...mapped(legacy),
      account_id: legacy.channel_id ?? '',
      occurred_at: occurredAt(legacy.timestamp),
      source: 'vobiz-legacy',
      legacy,
    } as VobizEvent;
    return [event];
  },
};
