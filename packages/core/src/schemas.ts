import { z } from 'zod';

/*
 * The wire format, in two layers (docs/architecture.md, "Payloads").
 *
 * The envelope is strict: it is Vobiz's own, and without it there is no event to
 * route or dedupe. Failing it is `400 invalid_envelope`.
 *
 * Below the envelope the schemas describe WhatsApp data as Meta documents it, and
 * are only ever used to *report* where a signed payload departs from that (see
 * `departures.ts`): a payload is never refused. Their TypeScript types are wider
 * than what they check, including the variants real senders were seen to send
 * (numeric timestamps, `null` for absent fields, items without an `id`), so a type
 * never promises what the wire does not. Every object keeps unknown keys, and every
 * enum-like field is an open string whose known values serve autocompletion only.
 */

/** Checked as `schema` (Meta's documented type); typed as `T`, which adds what real senders were seen to send. */
const typedAs = <T>(schema: z.ZodType): z.ZodType<T> => schema as unknown as z.ZodType<T>;

/** Documented optional; typed to allow `null`, which some senders put for an absent field. */
const optional = <S extends z.ZodType>(schema: S) =>
  schema.optional() as unknown as z.ZodOptional<z.ZodType<z.output<S> | null>>;

/** Documented as required, yet seen missing: checked as required, typed as optional. */
const seenMissing = <S extends z.ZodType>(schema: S) => schema as unknown as z.ZodOptional<S>;

/** A string typed as one of the known values, while any other is accepted everywhere. */
const openString = <T extends string>() => z.string() as unknown as z.ZodType<T | (string & {})>;

const str = z.string();
/** Unix seconds, documented as a string of digits; some senders send a number. */
const unixTime = typedAs<string | number>(str);
/** Documented as a number; some SDKs and senders use strings. */
const numberOrString = typedAs<number | string>(z.number());

export const metaErrorSchema = z.looseObject({
  code: optional(numberOrString),
  title: optional(str),
  message: optional(str),
  error_data: optional(z.looseObject({ details: optional(str) })),
  href: optional(str),
});

export const contactSchema = z.looseObject({
  wa_id: optional(str),
  user_id: optional(str),
  parent_user_id: optional(str),
  profile: optional(z.looseObject({ name: optional(str), username: optional(str) })),
});

/** A media object: its id is documented, yet relays that download the media send only a `url`. */
const media = {
  id: seenMissing(str),
  mime_type: optional(str),
  sha256: optional(str),
  caption: optional(str),
  url: optional(str),
};

export type MessageType =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'button'
  | 'interactive'
  | 'reaction'
  | 'order'
  | 'system'
  | 'unsupported'
  | 'request_welcome'
  | 'edit'
  | 'revoke'
  | 'unknown';

export type InteractiveType = 'button_reply' | 'list_reply' | 'nfm_reply' | 'call_permission_reply';

const errors = optional(z.array(metaErrorSchema));

const messageShape = {
  from: optional(str),
  id: str,
  timestamp: unixTime,
  // A contacts message from some senders comes without `type`.
  type: seenMissing(openString<MessageType>()),
  context: optional(
    z.looseObject({
      from: optional(str),
      id: optional(str),
      forwarded: optional(z.boolean()),
      frequently_forwarded: optional(z.boolean()),
      referred_product: optional(z.looseObject({ catalog_id: optional(str), product_retailer_id: optional(str) })),
    }),
  ),
  referral: optional(
    z.looseObject({
      source_url: optional(str),
      source_type: optional(str),
      source_id: optional(str),
      headline: optional(str),
      body: optional(str),
      media_type: optional(str),
      image_url: optional(str),
      video_url: optional(str),
      thumbnail_url: optional(str),
      ctwa_clid: optional(str),
    }),
  ),
  errors,
  text: optional(z.looseObject({ body: str })),
  image: optional(z.looseObject(media)),
  video: optional(z.looseObject(media)),
  audio: optional(z.looseObject({ ...media, voice: optional(z.boolean()) })),
  document: optional(z.looseObject({ ...media, filename: optional(str) })),
  sticker: optional(z.looseObject({ ...media, animated: optional(z.boolean()) })),
  location: optional(
    z.looseObject({
      latitude: numberOrString,
      longitude: numberOrString,
      name: optional(str),
      address: optional(str),
      url: optional(str),
    }),
  ),
  contacts: optional(
    z.array(
      z.looseObject({
        name: optional(
          z.looseObject({ formatted_name: optional(str), first_name: optional(str), last_name: optional(str) }),
        ),
        phones: optional(z.array(z.looseObject({ phone: optional(str), wa_id: optional(str), type: optional(str) }))),
        emails: optional(z.array(z.looseObject({ email: optional(str), type: optional(str) }))),
      }),
    ),
  ),
  button: optional(z.looseObject({ payload: optional(str), text: optional(str) })),
  interactive: optional(
    z.looseObject({
      type: openString<InteractiveType>(),
      button_reply: optional(z.looseObject({ id: str, title: optional(str) })),
      list_reply: optional(z.looseObject({ id: str, title: optional(str), description: optional(str) })),
      nfm_reply: optional(z.looseObject({ response_json: str, body: optional(str), name: optional(str) })),
      call_permission_reply: optional(
        z.looseObject({ response: optional(str), expiration_timestamp: optional(unixTime) }),
      ),
    }),
  ),
  reaction: optional(z.looseObject({ message_id: str, emoji: optional(str) })),
  order: optional(
    z.looseObject({
      catalog_id: optional(str),
      text: optional(str),
      product_items: optional(
        z.array(
          z.looseObject({
            product_retailer_id: optional(str),
            quantity: optional(numberOrString),
            item_price: optional(numberOrString),
            currency: optional(str),
          }),
        ),
      ),
    }),
  ),
  system: optional(z.looseObject({ body: optional(str), wa_id: optional(str), type: optional(str) })),
};

export const messageSchema = z.looseObject(messageShape);

/** A message the business sent from the WhatsApp Business app, echoed to the API (`smb_message_echoes`). */
export const messageEchoSchema = z.looseObject({ ...messageShape, to: optional(str) });

export type StatusValue =
  'sent' | 'delivered' | 'read' | 'failed' | 'played' | 'deleted' | 'RINGING' | 'ACCEPTED' | 'REJECTED';

export const statusSchema = z.looseObject({
  id: str,
  status: openString<StatusValue>(),
  timestamp: unixTime,
  type: optional(str),
  recipient_id: optional(str),
  recipient_user_id: optional(str),
  biz_opaque_callback_data: optional(str),
  conversation: optional(
    z.looseObject({
      id: str,
      expiration_timestamp: optional(unixTime),
      origin: optional(z.looseObject({ type: str })),
    }),
  ),
  pricing: optional(
    z.looseObject({
      billable: optional(z.boolean()),
      pricing_model: optional(str),
      category: optional(str),
      type: optional(str),
    }),
  ),
  errors,
});

export type CallEventName = 'connect' | 'terminate' | 'status_change';

export const callSchema = z.looseObject({
  id: seenMissing(str),
  event: openString<CallEventName>(),
  from: optional(str),
  to: optional(str),
  timestamp: optional(unixTime),
  direction: optional(openString<'USER_INITIATED' | 'BUSINESS_INITIATED'>()),
  status: optional(openString<'ringing' | 'COMPLETED' | 'FAILED'>()),
  session: optional(z.looseObject({ sdp_type: openString<'offer' | 'answer'>(), sdp: str })),
  start_time: optional(unixTime),
  end_time: optional(unixTime),
  duration: optional(numberOrString),
  errors,
});

/**
 * The WhatsApp change `value`, the payload shape Vobiz's prose describes. The
 * on-premises WhatsApp Business API body (`contacts`, `messages`, `statuses`, `errors`
 * at the top, no `messaging_product` or `metadata`) is the same shape.
 */
export const changeValueSchema = z.looseObject({
  // A value never has `entry`: this is what tells the two payload shapes apart in a union.
  entry: z.undefined().optional(),
  messaging_product: optional(str),
  metadata: optional(z.looseObject({ display_phone_number: optional(str), phone_number_id: optional(str) })),
  contacts: optional(z.array(contactSchema)),
  messages: optional(z.array(messageSchema)),
  statuses: optional(z.array(statusSchema)),
  calls: optional(z.array(callSchema)),
  message_echoes: optional(z.array(messageEchoSchema)),
  errors,
});

/** The whole Meta webhook object, the payload shape every Vobiz docs example carries. */
export const metaObjectSchema = z.looseObject({
  object: str,
  entry: z.array(
    z.looseObject({
      id: optional(str),
      time: optional(numberOrString),
      changes: z.array(z.looseObject({ field: str, value: changeValueSchema })),
    }),
  ),
});

/** Either payload shape (a Meta object has `entry`); both occur in Vobiz's documentation. */
export const whatsappPayloadSchema = z.union([metaObjectSchema, changeValueSchema]);

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every delivery Vobiz sends, any event type (also ones added after this version). */
export const envelopeSchema = z.looseObject({
  event_id: str.min(1),
  event_type: str.min(1),
  account_id: str,
  occurred_at: z.iso.datetime({ offset: true }),
  payload: z.custom<Record<string, unknown>>(isJsonObject, 'expected a JSON object'),
});

/** Date, time (seconds and fraction optional), and an optional `Z` or `±hh[[:]mm]` offset. */
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * An ISO 8601 date-time as Vobiz's earlier pages describe `timestamp`, in any of the forms
 * the standard allows beside RFC 3339's: a `+hhmm` or `+hh` offset, none (read as UTC), up to
 * nine fractional digits, a lower-case `t` or `z`. Unix ms, or undefined when it is not one.
 */
export function iso8601Time(text: string): number | undefined {
  const parts = ISO_8601.exec(text);
  if (parts === null) return undefined;
  const [, year, month, day, hour, minute, second = '0', fraction = '', , sign, offsetHours, offsetMinutes = '0'] =
    parts;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0] = [year, month, day, hour, minute, second].map(Number);
  const local = Date.UTC(y, mo - 1, d, h, mi, sec, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const back = new Date(local);
  // Date.UTC rolls 30 February over into March: a field out of range is no date.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  if (back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== sec) return undefined;
  const offset = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  if (Math.abs(offset) >= 24 * 60 || Number(offsetMinutes) >= 60) return undefined;
  return local - offset * 60_000;
}

/** Vobiz's earlier envelope (console-configured webhooks): `event`, `event_id`, `timestamp`, `channel_id`, `data`. */
export const legacyEnvelopeSchema = z.looseObject({
  event: str.min(1),
  event_id: str.min(1),
  timestamp: str.refine((text) => iso8601Time(text) !== undefined, 'expected an ISO 8601 date-time'),
  channel_id: str.optional(),
  data: z.custom<Record<string, unknown>>(isJsonObject, 'expected a JSON object'),
});

/** Meta's webhook object, as far as `metaWebhook` relies on it: entries, each with its changes. */
export const metaEnvelopeSchema = z.looseObject({
  object: str.optional(),
  entry: z.array(
    z.looseObject({
      // Null as absent: what identifies the account, or holds the changes, is never a reason to lose them.
      id: z.union([str, z.number()]).nullish(),
      changes: z.array(z.looseObject({ field: str, value: z.unknown() })).nullish(),
    }),
  ),
});
