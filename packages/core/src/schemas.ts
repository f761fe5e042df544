import { z } from 'zod';

/*
 * Wire schemas for what Vobiz sends. Two rules keep them from losing events:
 * every object keeps keys we do not know (Meta adds fields all the time), and every
 * enum-like field (message type, status, call event…) is an open string whose known
 * values only serve autocompletion. Only what identifies an item is required.
 */

/** A string typed as one of the known values, while accepting any other at runtime. */
const openString = <T extends string>() => z.string() as unknown as z.ZodType<T | (string & {})>;

const str = z.string();
const strOrNum = z.union([z.string(), z.number()]);

export const metaErrorSchema = z.looseObject({
  code: z.number().optional(),
  title: str.optional(),
  message: str.optional(),
  error_data: z.looseObject({ details: str.optional() }).optional(),
  href: str.optional(),
});

export const contactSchema = z.looseObject({
  wa_id: str.optional(),
  user_id: str.optional(),
  parent_user_id: str.optional(),
  profile: z.looseObject({ name: str.optional(), username: str.optional() }).optional(),
});

const mediaShape = {
  id: str,
  mime_type: str.optional(),
  sha256: str.optional(),
  caption: str.optional(),
  url: str.optional(),
};

export type MessageType =
  | 'text' | 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'location' | 'contacts'
  | 'button' | 'interactive' | 'reaction' | 'order' | 'system' | 'unsupported'
  | 'request_welcome' | 'edit' | 'revoke' | 'unknown';

export type InteractiveType = 'button_reply' | 'list_reply' | 'nfm_reply' | 'call_permission_reply';

export const messageSchema = z.looseObject({
  from: str.optional(),
  id: str,
  timestamp: str,
  type: openString<MessageType>(),
  context: z
    .looseObject({
      from: str.optional(),
      id: str.optional(),
      forwarded: z.boolean().optional(),
      frequently_forwarded: z.boolean().optional(),
      referred_product: z.looseObject({ catalog_id: str.optional(), product_retailer_id: str.optional() }).optional(),
    })
    .optional(),
  referral: z.looseObject({ source_url: str.optional(), source_type: str.optional(), source_id: str.optional() }).optional(),
  errors: z.array(metaErrorSchema).optional(),
  text: z.looseObject({ body: str }).optional(),
  image: z.looseObject(mediaShape).optional(),
  video: z.looseObject(mediaShape).optional(),
  audio: z.looseObject({ ...mediaShape, voice: z.boolean().optional() }).optional(),
  document: z.looseObject({ ...mediaShape, filename: str.optional() }).optional(),
  sticker: z.looseObject({ ...mediaShape, animated: z.boolean().optional() }).optional(),
  location: z
    .looseObject({ latitude: strOrNum, longitude: strOrNum, name: str.optional(), address: str.optional(), url: str.optional() })
    .optional(),
  contacts: z
    .array(
      z.looseObject({
        name: z.looseObject({ formatted_name: str.optional(), first_name: str.optional(), last_name: str.optional() }).optional(),
        phones: z.array(z.looseObject({ phone: str.optional(), wa_id: str.optional(), type: str.optional() })).optional(),
        emails: z.array(z.looseObject({ email: str.optional(), type: str.optional() })).optional(),
      }),
    )
    .optional(),
  button: z.looseObject({ payload: str.optional(), text: str.optional() }).optional(),
  interactive: z
    .looseObject({
      type: openString<InteractiveType>(),
      button_reply: z.looseObject({ id: str, title: str.optional() }).optional(),
      list_reply: z.looseObject({ id: str, title: str.optional(), description: str.optional() }).optional(),
      nfm_reply: z.looseObject({ response_json: str, body: str.optional(), name: str.optional() }).optional(),
    })
    .optional(),
  reaction: z.looseObject({ message_id: str, emoji: str.optional() }).optional(),
  order: z
    .looseObject({
      catalog_id: str.optional(),
      text: str.optional(),
      product_items: z
        .array(
          z.looseObject({
            product_retailer_id: str.optional(),
            quantity: strOrNum.optional(),
            item_price: strOrNum.optional(),
            currency: str.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  system: z.looseObject({ body: str.optional(), wa_id: str.optional(), type: str.optional() }).optional(),
});

export type StatusValue =
  | 'sent' | 'delivered' | 'read' | 'failed' | 'played' | 'deleted'
  | 'RINGING' | 'ACCEPTED' | 'REJECTED';

export const statusSchema = z.looseObject({
  id: str,
  status: openString<StatusValue>(),
  timestamp: str,
  type: str.optional(),
  recipient_id: str.optional(),
  recipient_user_id: str.optional(),
  biz_opaque_callback_data: str.optional(),
  conversation: z
    .looseObject({
      id: str,
      expiration_timestamp: str.optional(),
      origin: z.looseObject({ type: str }).optional(),
    })
    .optional(),
  pricing: z
    .looseObject({ billable: z.boolean().optional(), pricing_model: str.optional(), category: str.optional(), type: str.optional() })
    .optional(),
  errors: z.array(metaErrorSchema).optional(),
});

export type CallEventName = 'connect' | 'terminate' | 'status_change';

export const callSchema = z.looseObject({
  id: str,
  event: openString<CallEventName>(),
  from: str.optional(),
  to: str.optional(),
  timestamp: str.optional(),
  direction: openString<'USER_INITIATED' | 'BUSINESS_INITIATED'>().optional(),
  status: openString<'ringing' | 'COMPLETED' | 'FAILED'>().optional(),
  session: z.looseObject({ sdp_type: openString<'offer' | 'answer'>(), sdp: str }).optional(),
  start_time: strOrNum.optional(),
  end_time: strOrNum.optional(),
  duration: strOrNum.optional(),
  errors: z.array(metaErrorSchema).optional(),
});

/** The WhatsApp change `value`: the payload shape Vobiz's prose describes. */
export const changeValueSchema = z.looseObject({
  // A value never has `entry`: this is what tells the two payload shapes apart.
  entry: z.undefined().optional(),
  messaging_product: str.optional(),
  metadata: z.looseObject({ display_phone_number: str.optional(), phone_number_id: str.optional() }).optional(),
  contacts: z.array(contactSchema).optional(),
  messages: z.array(messageSchema).optional(),
  statuses: z.array(statusSchema).optional(),
  calls: z.array(callSchema).optional(),
  errors: z.array(metaErrorSchema).optional(),
});

/** The whole Meta webhook object: the payload shape every Vobiz docs example carries. */
export const metaObjectSchema = z.looseObject({
  object: str,
  entry: z.array(
    z.looseObject({
      id: str.optional(),
      time: z.number().optional(),
      changes: z.array(z.looseObject({ field: str, value: changeValueSchema })),
    }),
  ),
});

/** Either payload shape; both occur in Vobiz's documentation. */
export const whatsappPayloadSchema = z.union([metaObjectSchema, changeValueSchema]);

/** The payload of an event type this version does not know yet: any JSON object. */
export const unknownPayloadSchema = z.record(z.string(), z.unknown());

/** Fields common to every delivery; `payload` is checked per event family by `parseEnvelope`. */
export const envelopeBaseSchema = z.looseObject({
  event_id: str.min(1),
  event_type: str.min(1),
  account_id: str,
  occurred_at: z.iso.datetime({ offset: true }),
  payload: z.unknown(),
});

const eventSchema = <T extends z.ZodType<string>, P extends z.ZodType>(eventType: T, payload: P) =>
  envelopeBaseSchema.extend({ event_type: eventType, payload });

export const messageInboundEventSchema = eventSchema(z.literal('message.inbound'), whatsappPayloadSchema);
export const messageStatusEventSchema = eventSchema(z.literal('message.status'), whatsappPayloadSchema);
export const callEventSchema = eventSchema(
  z.string().startsWith('call.') as unknown as z.ZodType<`call.${string}`>,
  whatsappPayloadSchema,
);
/** The event family an `event_type` belongs to; `other` is any type this version does not know. */
export type EventFamily = 'message.inbound' | 'message.status' | 'call' | 'other';
export const eventFamily = (eventType: string): EventFamily =>
  eventType === 'message.inbound' || eventType === 'message.status'
    ? eventType
    : eventType.startsWith('call.')
      ? 'call'
      : 'other';

// Known families must never fall through to this permissive schema.
export const unknownEventSchema = eventSchema(
  z.string().min(1).refine((type) => eventFamily(type) === 'other', 'a known event type with an invalid payload'),
  unknownPayloadSchema,
);

/** Every delivery Vobiz may send, including event types added after this version. */
export const envelopeSchema = z.union([
  messageInboundEventSchema,
  messageStatusEventSchema,
  callEventSchema,
  unknownEventSchema,
]);
