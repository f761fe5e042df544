import type { z } from 'zod';
import { VobizWebhookError } from './errors';
import { envelopeSchema } from './schemas';
import type { VobizEvent } from './types';

const decoder = new TextDecoder();
const BOM = '\ufeff';

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'the envelope does not match the Vobiz schema';
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path}: ${issue.message}${more}`;
}

/**
 * Validates a delivery's envelope (raw bytes, a JSON string, or an already parsed
 * value) and returns the typed event: the parsed value itself, keys in the order
 * they were sent, payload untouched. Throws `VobizWebhookError` (`invalid_json`,
 * `invalid_envelope`). Only the envelope is checked; what the payload holds is never
 * a reason to refuse (docs/architecture.md, "Payloads"). Verify the signature first:
 * this is for trusted bytes.
 */
export function parseEnvelope(input: string | Uint8Array | unknown): VobizEvent {
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    // A UTF-8 byte order mark is not JSON, but RFC 8259 lets a parser ignore it, and
    // TextDecoder already drops it from bytes: strings drop it too, so every runtime agrees.
    let text = typeof input === 'string' ? input : decoder.decode(input);
    if (text.startsWith(BOM)) text = text.slice(1);
    try {
      value = JSON.parse(text);
    } catch {
      throw new VobizWebhookError('invalid_json', 'The body is not valid JSON.');
    }
  }
  const verdict = envelopeSchema.safeParse(value);
  if (!verdict.success) throw new VobizWebhookError('invalid_envelope', `Invalid envelope: ${describe(verdict.error)}`);
  // zod's output is a copy in its own key order; the event is the value as it came.
  return value as VobizEvent;
}
