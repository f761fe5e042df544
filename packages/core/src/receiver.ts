import type { DedupeStore } from './dedupe';
import { departureReporter } from './departures';
import { mismatchExplainer } from './diagnostics';
import { errorHeaders, isVobizWebhookError, VobizWebhookError, type VobizWebhookErrorCode } from './errors';
import { isPromiseLike, runHandlers, type HandlerList } from './handlers';
import { getHeader, type HeaderSource } from './headers';
import { rateLimitedWarn, safeText } from './log';
import { FUTURE_SKEW_MS, resolveOptions } from './options';
import { parseEnvelope } from './envelope';
import type { VobizEvent, VobizWebhookOptions } from './types';

export type RawBody = Uint8Array | string;

export interface ReceiveRequest {
  /** Omit when the framework already routed only POSTs here. */
  method?: string | undefined;
  headers: HeaderSource;
  /**
   * The exact bytes as received, or a function that reads them with the given byte
   * limit. A function is called only after the method and content type passed, so an
   * unwanted request is answered without buffering its body.
   */
  rawBody: RawBody | ((limit: number) => Promise<RawBody>);
}

export interface ReceiveResult {
  status: number;
  /** A fresh object per result: the caller may add to it. */
  headers: Record<string, string>;
  /** JSON text, ready to send as is. */
  body: string;
  /** The verified event, when the delivery got that far. */
  event?: VobizEvent;
  /** Why the delivery was refused, for logs and tools. */
  error?: VobizWebhookError;
}

export interface Receiver {
  /** Runs the whole pipeline. Never rejects: every failure is an answer (docs/architecture.md, "Answers"). */
  receive(request: ReceiveRequest): Promise<ReceiveResult>;
  /** Whether a pathname (no query string) is `options.path`, for middleware mounted at the root. */
  matchesPath(pathname: string): boolean;
  readonly path: string;
}

/** What differs between Node and Web runtimes: how to hash and decode. */
export interface Platform {
  verifier(secrets: readonly string[]): (body: Uint8Array, signature: string) => boolean | Promise<boolean>;
  toBytes(raw: RawBody): Uint8Array;
  toText(bytes: Uint8Array): string;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const OK_BODY = '{"ok":true}';
const DUPLICATE_BODY = '{"ok":true,"duplicate":true}';
const jsonHeaders = (): Record<string, string> => ({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
});

/** Refusals anyone can cause without the secret: logged at a bounded rate, since nothing proves who sent them. */
const UNAUTHENTICATED = new Set<VobizWebhookErrorCode>([
  'method_not_allowed',
  'unsupported_media_type',
  'payload_too_large',
  'body_unreadable',
  'missing_signature',
  'invalid_signature',
]);

const fail = (code: VobizWebhookErrorCode, message: string, cause?: unknown): never => {
  throw new VobizWebhookError(code, message, cause === undefined ? undefined : { cause });
};

export function createReceiverWith(platform: Platform, options: VobizWebhookOptions): Receiver {
  const {
    secrets,
    handlersFor,
    queue,
    dedupe,
    dedupeKey,
    maxEventAgeMs,
    maxBodyBytes,
    path,
    log,
    leaseMs,
    dedupeTtlMs,
  } = resolveOptions(options);
  const verify = platform.verifier(secrets);
  const explainMismatch = mismatchExplainer(log, secrets);
  const reportDepartures = departureReporter(log);
  const warnUnauthenticated = log === undefined ? undefined : rateLimitedWarn(log, 5, 10_000);
  // Claim tokens: unique per claim, so a late release or complete touches only its own claim.
  const tokenPrefix = `${globalThis.crypto.randomUUID()}:`;
  let claims = 0;

  const tooLarge = () => fail('payload_too_large', `The body is larger than maxBodyBytes (${maxBodyBytes} bytes).`);

  /** Steps 1–3: method, content type, and the raw bytes within the limit. */
  async function readBody(request: ReceiveRequest): Promise<{ bytes: Uint8Array; text: string | undefined }> {
    if (request.method !== undefined && request.method.toUpperCase() !== 'POST') {
      fail('method_not_allowed', `Method ${safeText(request.method, 16)} is not allowed; Vobiz delivers with POST.`);
    }
    const contentType = getHeader(request.headers, 'content-type');
    if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
      fail('unsupported_media_type', `Content-Type '${safeText(contentType, 64)}' is not JSON.`);
    }
    const declared = getHeader(request.headers, 'content-length');
    if (declared !== undefined && Number(declared) > maxBodyBytes) tooLarge();
    let raw: RawBody;
    try {
      raw = typeof request.rawBody === 'function' ? await request.rawBody(maxBodyBytes) : request.rawBody;
    } catch (error) {
      if (isVobizWebhookError(error)) throw error;
      return fail('body_unreadable', 'The request body could not be read completely; the sender retries.', error);
    }
    const bytes = platform.toBytes(raw);
    if (bytes.byteLength > maxBodyBytes) tooLarge();
    return { bytes, text: typeof raw === 'string' ? raw : undefined };
  }

  /** Step 4: the signature, in constant time, under any of the secrets. */
  async function authenticate(headers: HeaderSource, bytes: Uint8Array, text: string | undefined): Promise<void> {
    const signature = getHeader(headers, 'x-webhook-signature');
    const verified = signature === undefined || signature === '' ? false : verify(bytes, signature);
    if (isPromiseLike(verified) ? await verified : verified) return;
    // Development aid, computed only on failure: one warning naming the likely cause.
    await explainMismatch?.({ signature, body: text ?? bytes, bodyWasDecoded: text !== undefined });
    if (signature === undefined || signature === '')
      fail('missing_signature', 'The X-Webhook-Signature header is missing.');
    fail('invalid_signature', 'X-Webhook-Signature does not match the body for the configured secret.');
  }

  /** Steps 7–8: the routing header agrees with the body, and the event is inside the age window. */
  function checkEvent(event: VobizEvent, headerType: string | undefined): void {
    if (headerType !== undefined && headerType !== event.event_type) {
      fail(
        'event_type_mismatch',
        `X-Webhook-Event '${safeText(headerType, 64)}' does not match the body's event_type ` +
          `'${safeText(event.event_type, 64)}'.`,
      );
    }
    if (maxEventAgeMs === false) return;
    const age = Date.now() - Date.parse(event.occurred_at);
    if (age > maxEventAgeMs || age < -FUTURE_SKEW_MS) {
      fail(
        'stale_event',
        `occurred_at ${event.occurred_at} is outside the accepted window (${Math.round(maxEventAgeMs / 60_000)} min old, ` +
          '5 min ahead); check the server clock, or raise maxEventAgeMs.',
      );
    }
  }

  /** The key an event is deduped on, from the user's `dedupeKey`: a non-empty string, or the delivery fails and is retried. */
  function keyOf(event: VobizEvent): string {
    let key: unknown;
    try {
      key = dedupeKey(event);
    } catch (error) {
      log?.error('[vobiz-webhooks] dedupeKey threw; answering 500 so the sender retries.', error);
      return fail('internal_error', 'The dedupe key could not be computed; the delivery will be retried.', error);
    }
    if (typeof key === 'string' && key.length > 0) return key;
    log?.error(
      `[vobiz-webhooks] dedupeKey returned ${key === '' ? 'an empty string' : typeof key}, not a non-empty string; ` +
        'answering 500 so the sender retries. Fix dedupeKey: every event needs its own key.',
    );
    return fail('internal_error', 'The dedupe key is not a non-empty string; the delivery will be retried.');
  }

  async function claim(store: DedupeStore, key: string, token: string) {
    try {
      const pending = store.claim(key, leaseMs, token);
      return isPromiseLike(pending) ? await pending : pending;
    } catch (cause) {
      log?.error('[vobiz-webhooks] dedupe store unavailable; answering 503 so the sender retries.', cause);
      return fail('store_unavailable', 'The dedupe store is unavailable; retry later.', cause);
    }
  }

  /**
   * Queue mode's step 10: the event is acknowledged only once the queue stored it. A queue
   * that fails or takes longer than the timeout is 503: the claim is released and the
   * sender retries. If a late enqueue still lands, the retry's enqueue finds the same job
   * (the queue's job id comes from the dedupe key), so the event is queued once.
   */
  async function enqueue(target: NonNullable<typeof queue>, event: VobizEvent, key: string): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${target.timeoutMs} ms`)), target.timeoutMs);
    });
    try {
      await Promise.race([target.queue.enqueue(event, key), timedOut]);
    } catch (cause) {
      log?.error(
        '[vobiz-webhooks] the event queue did not take the event; answering 503 so the sender retries.',
        cause,
      );
      fail('queue_unavailable', 'The event queue is unavailable; retry later.', cause);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Step 10: the handlers, or in queue mode the enqueue. */
  const deliver = (event: VobizEvent, list: HandlerList, key: string | undefined): void | Promise<void> =>
    queue === undefined ? runHandlers(event, list, log) : enqueue(queue, event, key ?? keyOf(event));

  /** Steps 9–11: claim the event, handle or enqueue it, then complete the claim, or release it so a retry is handled. */
  async function handle(event: VobizEvent, list: HandlerList): Promise<ReceiveResult> {
    if (dedupe === false) {
      const running = deliver(event, list, undefined);
      if (running !== undefined) await running;
      return acknowledge(event, OK_BODY);
    }
    const key = keyOf(event);
    const token = tokenPrefix + ++claims;
    const claimed = await claim(dedupe, key, token);
    if (claimed === 'done') return acknowledge(event, DUPLICATE_BODY);
    // Not 200: the first copy may still fail, and a 200 here would lose the event.
    if (claimed === 'processing')
      fail('in_progress', 'This event is being processed by another delivery; retry later.');

    try {
      const running = deliver(event, list, key);
      if (running !== undefined) await running;
    } catch (error) {
      try {
        await dedupe.release(key, token);
      } catch (cause) {
        log?.error(
          '[vobiz-webhooks] could not release the dedupe claim; the retry waits for the lease to expire.',
          cause,
        );
      }
      throw error;
    }
    try {
      const completed = dedupe.complete(key, dedupeTtlMs, token);
      if (isPromiseLike(completed)) await completed;
    } catch (cause) {
      // The work is done: acknowledge it. A later copy is handled again once the lease expires.
      log?.error('[vobiz-webhooks] could not mark the event done in the dedupe store.', cause);
    }
    return acknowledge(event, OK_BODY);
  }

  const acknowledge = (event: VobizEvent, body: string): ReceiveResult => ({
    status: 200,
    headers: jsonHeaders(),
    body,
    event,
  });

  function refuse(thrown: unknown, event: VobizEvent | undefined): ReceiveResult {
    let error: VobizWebhookError;
    if (isVobizWebhookError(thrown)) {
      error = thrown;
      const line = `[vobiz-webhooks] ${error.status} ${error.code}: ${error.message}`;
      if (UNAUTHENTICATED.has(error.code)) warnUnauthenticated?.(line);
      else if (error.status < 500) log?.warn(line);
    } else {
      log?.error('[vobiz-webhooks] unexpected error; answering 500 so the sender retries.', thrown);
      error = new VobizWebhookError('internal_error', 'The delivery could not be processed; it will be retried.', {
        cause: thrown,
      });
    }
    const headers = { ...jsonHeaders(), ...errorHeaders[error.code] };
    const body = JSON.stringify({ ok: false, error: { code: error.code, message: error.message } });
    return { status: error.status, headers, body, error, ...(event ? { event } : {}) };
  }

  return {
    path,
    matchesPath(pathname) {
      return pathname === path || (pathname.length === path.length + 1 && pathname === `${path}/`);
    },
    async receive(request) {
      let event: VobizEvent | undefined;
      try {
        // The order matters: nothing untrusted is parsed before the signature holds.
        const { bytes, text } = await readBody(request);
        await authenticate(request.headers, bytes, text);
        event = parseEnvelope(text ?? platform.toText(bytes));
        reportDepartures(event);
        checkEvent(event, getHeader(request.headers, 'x-webhook-event'));
        const list = handlersFor(event.event_type);
        // Inline, an event nobody handles is acknowledged at once; queued, the worker decides.
        if (list.length === 0 && queue === undefined) return acknowledge(event, OK_BODY);
        return await handle(event, list);
      } catch (error) {
        return refuse(error, event);
      }
    },
  };
}
