import type { z } from 'zod';
import { VobizWebhookError } from './errors';
import { safeParseFreshJson } from './fast-parse';
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

/**
 * Validates a delivery (raw bytes, a JSON string, or an already parsed value) and
 * returns the typed event. Throws `VobizWebhookError` (`invalid_json`, `invalid_envelope`).
 * Verify the signature first: this is for trusted bytes.
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
  const base = envelopeBaseSchema.safeParse(value);
  if (!base.success) throw new VobizWebhookError('invalid_envelope', `Invalid envelope: ${describe(base.error)}`);
  const payloadSchema = eventFamily(base.data.event_type) === 'other' ? unknownPayloadSchema : whatsappSchemaFor(base.data.payload);
  // Objects only this call holds can take the fast path (same result as zod's, bench/RESULTS.md).
  const payload = fresh ? safeParseFreshJson(payloadSchema, base.data.payload) : payloadSchema.safeParse(base.data.payload);
  if (!payload.success) {
    const error = describe(payload.error, ['payload']);
    throw new VobizWebhookError('invalid_envelope', `Invalid ${base.data.event_type} payload: ${error}`);
  }
  return { ...base.data, payload: payload.data } as VobizEvent;
}
