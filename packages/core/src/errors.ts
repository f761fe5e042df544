/** Every way a delivery can be refused, and the HTTP status each one answers with. */
export const errorStatus = {
  missing_signature: 401,
  invalid_signature: 401,
  method_not_allowed: 405,
  in_progress: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_json: 400,
  invalid_envelope: 400,
  event_type_mismatch: 400,
  stale_event: 400,
  raw_body_unavailable: 500,
  handler_failed: 500,
  store_unavailable: 503,
} as const;

export type VobizWebhookErrorCode = keyof typeof errorStatus;

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
  }
}

export const isVobizWebhookError = (error: unknown): error is VobizWebhookError =>
  error instanceof VobizWebhookError;
