import { VobizWebhookError } from '../errors';
import type { HeaderSource } from '../headers';
import type { DecodedSignature } from '../signature-format';
import type { EventSource, VobizEvent } from '../types';

/**
 * One wire format, as a unit: how a delivery is authenticated (its signature header and
 * that header's encoding), how the verified bytes become events, and, on each event,
 * the key that dedupes it (`event_id`) and when it occurred (`occurred_at`). The
 * receive pipeline runs any format; adding one touches the list in `formats/index.ts`,
 * not the pipeline or the adapters (docs/architecture.md, "Formats").
 */
export interface WireFormat {
  readonly source: EventSource;
  /** The header that carries the signature, lowercase. Its presence selects the format. */
  readonly signatureHeader: string;
  /** The header's display name, for messages. */
  readonly signatureName: string;
  /** Which receiver takes this format, for refusals of a receiver that does not. */
  readonly acceptedBy: string;
  /** The header as the 32 bytes to compare, decoded without branching on the secret. */
  decodeSignature(header: string): DecodedSignature;
  /**
   * The verified body as events, each with its dedupe key in `event_id`. Throws
   * `invalid_json`, `invalid_envelope` or `event_type_mismatch`; below the envelope
   * nothing is refused.
   */
  events(text: string, headers: HeaderSource): VobizEvent[];
}

const BOM = '\ufeff';

/**
 * The body as JSON. A UTF-8 byte order mark is not JSON, but RFC 8259 lets a parser
 * ignore it, and TextDecoder already drops it from bytes: strings drop it too.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.startsWith(BOM) ? text.slice(1) : text);
  } catch {
    throw new VobizWebhookError('invalid_json', 'The body is not valid JSON.');
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A WhatsApp timestamp (unix seconds, as a string or a number; milliseconds tolerated) as ISO 8601. */
export function isoFromUnix(value: unknown): string | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  if (!Number.isFinite(number) || number <= 0) return undefined;
  const ms = number > 1e11 ? number : number * 1000;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
