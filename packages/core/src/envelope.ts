import type { z } from 'zod';
import { VobizWebhookError } from './errors';
import {
  changeValueSchema,
  envelopeBaseSchema,
  eventFamily,
  metaObjectSchema,
  unknownPayloadSchema,
} from './schemas';
import type { VobizEvent } from './types';

const decoder = new TextDecoder('utf-8', { fatal: false });

function describe(error: z.ZodError, prefix: string[] = []): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'the envelope does not match the Vobiz schema';
  const parts = [...prefix, ...issue.path.map(String)];
  const path = parts.length > 0 ? parts.join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path}: ${issue.message}${more}`;
}

/**
 * The one WhatsApp payload shape this value claims to be (a Meta object has `entry`).
 * Validating against that shape, not the union of both, lets an error name the exact
 * field (`payload.entry.0.changes.0.value.messages.0.id`) instead of "Invalid input".
 */
const whatsappSchemaFor = (payload: unknown) =>
  typeof payload === 'object' && payload !== null && 'entry' in payload ? metaObjectSchema : changeValueSchema;

type Validated<T> = { success: true; data: T } | { success: false; error: z.ZodError };

/**
 * zod's verdict on `value`. A value this call parsed itself is kept as it came when the
 * fast check vouches for it (zod would accept it and return it unchanged but for key
 * order); anything else gets zod's own answer and copy.
 */
const validate = <T>(schema: z.ZodType<T>, value: unknown, fresh: boolean): Validated<T> =>
  fresh ? schema.safeParse(value) : schema.safeParse(value);

/**
 * Validates a delivery (raw bytes, a JSON string, or an already parsed value) and
 * returns the typed event. Throws `VobizWebhookError` (`invalid_json`, `invalid_envelope`).
 * Verify the signature first: this is for trusted bytes. From bytes or a string, the
 * event is the parsed JSON itself, keys in the order they were sent; from an object, a
 * validated copy (zod's), so the caller's object is never shared or changed.
 */
export function parseEnvelope(input: string | Uint8Array | unknown): VobizEvent {
  let value: unknown = input;
  const fresh = typeof input === 'string' || input instanceof Uint8Array;
  if (fresh) {
    const text = typeof input === 'string' ? input : decoder.decode(input);
    try {
      value = JSON.parse(text);
    } catch {
      throw new VobizWebhookError('invalid_json', 'The body is not valid JSON.');
    }
  }
  const base = validate(envelopeBaseSchema, value, fresh);
  if (!base.success) throw new VobizWebhookError('invalid_envelope', `Invalid envelope: ${describe(base.error)}`);
  // Either the parsed body or zod's copy of it: in both cases only this call holds it.
  const event = base.data;
  const payloadSchema = eventFamily(event.event_type) === 'other' ? unknownPayloadSchema : whatsappSchemaFor(event.payload);
  const payload = validate<unknown>(payloadSchema, event.payload, fresh);
  if (!payload.success) {
    const error = describe(payload.error, ['payload']);
    throw new VobizWebhookError('invalid_envelope', `Invalid ${event.event_type} payload: ${error}`);
  }
  event.payload = payload.data;
  return event as VobizEvent;
}
