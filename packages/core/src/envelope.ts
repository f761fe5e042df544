import type { z } from 'zod';
import { VobizWebhookError } from './errors';
import { isRecord, parseJson } from './formats/format';
import { envelopeSchema } from './schemas';
import type { VobizEvent } from './types';

const decoder = new TextDecoder();

/** The first issue of a failed parse, with its path, for `invalid_envelope` messages. */
export function describeIssues(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  if (issue === undefined) return `the body does not match ${what}`;
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path}: ${issue.message}${more}`;
}

const occurredAt = envelopeSchema.shape.occurred_at;
const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value !== '';

/**
 * Whether `value` plainly is what `envelopeSchema` accepts, checked in place: zod's
 * `safeParse` copies the object it accepts, which costs more than the checks. Anything
 * else goes to the schema, which decides and words the refusal.
 */
function plainlyValid(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const { event_id, event_type, account_id, occurred_at, payload } = value;
  return (
    nonEmpty(event_id) &&
    nonEmpty(event_type) &&
    typeof account_id === 'string' &&
    isRecord(payload) &&
    occurredAt.safeParse(occurred_at).success
  );
}

/**
 * Validates a delivery's envelope (raw bytes, a JSON string, or an already parsed
 * value) and returns the typed event: the parsed value itself with `source: 'vobiz'`,
 * keys in the order they were sent, payload untouched. Throws `VobizWebhookError`
 * (`invalid_json`, `invalid_envelope`). Only the envelope is checked; what the payload
 * holds is never a reason to refuse (docs/architecture.md, "Payloads"). Verify the
 * signature first: this is for trusted bytes.
 */
export function parseEnvelope(input: string | Uint8Array | unknown): VobizEvent {
  const parsed = typeof input === 'string' || input instanceof Uint8Array;
  const value: unknown = parsed ? parseJson(typeof input === 'string' ? input : decoder.decode(input)) : input;
  const verdict = plainlyValid(value) ? undefined : envelopeSchema.safeParse(value);
  if (verdict?.success === false) {
    throw new VobizWebhookError(
      'invalid_envelope',
      `Invalid envelope: ${describeIssues(verdict.error, 'the Vobiz schema')}`,
    );
  }
  // zod's output is a copy in its own key order; the event is the value as it came. A
  // value the caller passed in is not changed: it is copied to carry `source`.
  const event = (parsed ? value : { ...(value as object) }) as VobizEvent;
  event.source = 'vobiz';
  return event;
}
