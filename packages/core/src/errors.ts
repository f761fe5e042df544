/** Every way a delivery can be refused, and the HTTP status each one answers with. */
export const errorStatus = {
  missing_signature: 401,
  invalid_signature: 401,
  method_not_allowed: 405,
  verification_failed: 403,
  in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_json: 400,
  invalid_envelope: 400,
  event_type_mismatch: 400,
  stale_event: 400,
  body_unreadable: 400,
  invalid_challenge: 400,
  raw_body_unavailable: 500,
  handler_failed: 500,
  internal_error: 500,
  store_unavailable: 503,
  queue_unavailable: 503,
} as const;

export type VobizWebhookErrorCode = keyof typeof errorStatus;

/** Seconds a sender should wait before retrying an answer that means "not now". */
const RETRY_AFTER_SECONDS = '5';

/**
 * The headers an answer carries beside its status: `Retry-After` where the same delivery
 * will succeed later. (A 405's `Allow`, which RFC 9110 requires, depends on the receiver:
 * the receiver adds it.)
 */
export const errorHeaders: Partial<Record<VobizWebhookErrorCode, Readonly<Record<string, string>>>> = {
  in_progress: { 'retry-after': RETRY_AFTER_SECONDS },
  store_unavailable: { 'retry-after': RETRY_AFTER_SECONDS },
  queue_unavailable: { 'retry-after': RETRY_AFTER_SECONDS },
};

// A registered symbol is the same in every copy of this module: the ESM and the CJS
// build of the package, or two versions installed side by side, where `instanceof`
// sees two different classes.
const BRAND = Symbol.for('vobiz-webhooks.error');

/**
 * The one error class of the library. `status` is derived from `code`, so a code can
 * never be answered with the wrong status. Messages are written for the operator and
 * never contain a secret, a body or a stack trace.
 */
export class VobizWebhookError extends Error {
  override readonly name = 'VobizWebhookError';
  readonly code: VobizWebhookErrorCode;
  readonly status: number;

  constructor(code: VobizWebhookErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = errorStatus[code];
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True for a `VobizWebhookError` from any copy of the package (ESM or CJS build). Never
 * throws: it is called on whatever a handler threw, and a Proxy can throw on every read.
 */
export const isVobizWebhookError = (error: unknown): error is VobizWebhookError => {
  if (typeof error !== 'object' || error === null) return false;
  try {
    return (
      (error as Record<symbol, unknown>)[BRAND] === true &&
      typeof (error as { code?: unknown }).code === 'string' &&
      Object.hasOwn(errorStatus, (error as { code: string }).code)
    );
  } catch {
    return false;
  }
};
