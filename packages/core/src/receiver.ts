import { VobizWebhookError, type VobizWebhookErrorCode } from './errors';
import { explainSignatureMismatch, signatureDiagnosticsEnabled } from './diagnostics';
import { memoryDedupeStore, type DedupeStore } from './dedupe';
import { parseEnvelope } from './envelope';
import { getHeader, type HeaderSource } from './headers';
import { normalizeSecrets } from './secrets';
import type { EventHandler, Logger, VobizEvent, VobizWebhookOptions } from './types';

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
  headers: Record<string, string>;
  /** JSON text, ready to send as is. */
  body: string;
  /** The verified event, when the delivery got that far. */
  event?: VobizEvent;
  /** Why the delivery was refused, for logs and tools. */
  error?: VobizWebhookError;
}

export interface Receiver {
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

const MINUTE = 60_000;
const HOURS_48 = 48 * 60 * MINUTE;
const FUTURE_SKEW_MS = 5 * MINUTE;
const DIAGNOSIS_WINDOW_MS = 10_000;
const DIAGNOSES_PER_WINDOW = 5;
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const OK_BODY = '{"ok":true}';
const DUPLICATE_BODY = '{"ok":true,"duplicate":true}';
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The in-memory store answers synchronously: awaiting only real promises saves a microtask turn per call. */
const isPromiseLike = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> =>
  typeof (value as { then?: unknown } | null | undefined)?.then === 'function';

const fail = (code: VobizWebhookErrorCode, message: string): never => {
  throw new VobizWebhookError(code, message);
};

export function createReceiverWith(platform: Platform, options: VobizWebhookOptions): Receiver {
  const {
    secret,
    on,
    dedupeKey = (event: VobizEvent) => event.event_id,
    maxEventAgeMs = HOURS_48,
    maxBodyBytes = 1024 * 1024,
    path = '/webhooks/vobiz',
    logger = console,
    leaseMs = MINUTE,
    dedupeTtlMs = maxEventAgeMs === false ? HOURS_48 : maxEventAgeMs,
    dedupe: dedupeOption,
  } = options as Partial<VobizWebhookOptions>;

  // Everything that can be decided once is decided here, not per request.
  const secrets = normalizeSecrets(secret);
  const verify = platform.verifier(secrets);
  if (typeof on !== 'object' || on === null) {
    throw new TypeError("vobiz-webhooks: `on` is required: an object of handlers, e.g. { 'message.inbound': async (event) => {…} }.");
  }
  // Which handlers an event type runs, decided once per key of `on` as each is checked:
  // its own handler, then 'call.*' for call events, then '*'. Types without their own
  // key share a list.
  const handlers = on as Record<string, EventHandler<VobizEvent> | undefined>;
  const wildcard = handlers['*'] ? [handlers['*']] : [];
  const callWildcard = handlers['call.*'] ? [handlers['call.*'], ...wildcard] : wildcard;
  const listsByType = new Map<string, EventHandler<VobizEvent>[]>();
  // Own keys only: an event type such as 'valueOf' must not find Object.prototype.valueOf.
  for (const [type, handler] of Object.entries(handlers)) {
    if (handler !== undefined && typeof handler !== 'function') {
      throw new TypeError(`vobiz-webhooks: the handler for '${type}' must be a function.`);
    }
    if (handler === undefined || type === '*' || type === 'call.*') continue;
    listsByType.set(type, [handler, ...(type.startsWith('call.') ? callWildcard : wildcard)]);
  }
  const positive = { maxBodyBytes, leaseMs, dedupeTtlMs, ...(maxEventAgeMs === false ? {} : { maxEventAgeMs }) };
  for (const [name, value] of Object.entries(positive)) {
    // A zero lease would let copies of one event run at once; a zero window would refuse everything.
    if (!(typeof value === 'number' && value > 0)) {
      throw new TypeError(`vobiz-webhooks: \`${name}\` must be a positive number, got ${String(value)}.`);
    }
  }
  // The default store remembers as long as the age window is open: a replay older
  // than the window is refused as stale, a younger one is found as a duplicate.
  const dedupe = dedupeOption ?? memoryDedupeStore({ ttlMs: dedupeTtlMs });
  if (!path.startsWith('/')) throw new TypeError(`vobiz-webhooks: \`path\` must start with '/', got '${path}'.`);
  const log: Logger | undefined = logger === false ? undefined : logger;
  const normalizedPath = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;

  const handlersFor = (type: string): EventHandler<VobizEvent>[] =>
    listsByType.get(type) ?? (type.startsWith('call.') ? callWildcard : wildcard);

  const tooLarge = () => fail('payload_too_large', `The body is larger than maxBodyBytes (${maxBodyBytes} bytes).`);

  function checkEvent(event: VobizEvent, headerType: string | undefined): void {
    if (headerType !== undefined && headerType !== event.event_type) {
      fail('event_type_mismatch', `X-Webhook-Event '${headerType}' does not match the body's event_type '${event.event_type}'.`);
    }
    if (maxEventAgeMs === false) return;
    const age = Date.now() - Date.parse(event.occurred_at);
    if (age > maxEventAgeMs || age < -FUTURE_SKEW_MS) {
      fail(
        'stale_event',
        `occurred_at ${event.occurred_at} is outside the accepted window (${Math.round(maxEventAgeMs / MINUTE)} min old, 5 min ahead); ` +
          'check the server clock, or raise maxEventAgeMs.',
      );
    }
  }

  const handlerFailed = (event: VobizEvent, reason: unknown): never => {
    log?.error(`[vobiz-webhooks] handler for ${event.event_type} failed (event_id ${event.event_id}); answering 500 so Vobiz retries.`, reason);
    return fail('handler_failed', 'A handler failed; the event was not acknowledged and will be retried.');
  };

  /**
   * Runs every matching handler; the delivery succeeds only if all of them do. The
   * usual case, one handler, costs no promise of its own when the handler is synchronous.
   */
  function runHandlers(event: VobizEvent, list: EventHandler<VobizEvent>[]): void | Promise<void> {
    if (list.length > 1) {
      return Promise.allSettled(list.map(async (handler) => handler(event))).then((outcomes) => {
        const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        if (failed) handlerFailed(event, failed.reason);
      });
    }
    let returned: unknown;
    try {
      returned = (list[0] as EventHandler<VobizEvent>)(event);
    } catch (reason) {
      handlerFailed(event, reason);
    }
    if (isPromiseLike(returned)) return Promise.resolve(returned).then(() => undefined, (reason: unknown) => handlerFailed(event, reason));
  }

  const acknowledge = (event: VobizEvent, body = OK_BODY): ReceiveResult => ({ status: 200, headers: JSON_HEADERS, body, event });

  async function handle(event: VobizEvent): Promise<ReceiveResult> {
    const list = handlersFor(event.event_type);
    if (list.length === 0) return acknowledge(event);
    if (dedupe === false) {
      const running = runHandlers(event, list);
      if (running !== undefined) await running;
      return acknowledge(event);
    }

    const key = dedupeKey(event);
    let claim;
    try {
      const pending = dedupe.claim(key, leaseMs);
      claim = isPromiseLike(pending) ? await pending : pending;
    } catch (cause) {
      log?.error('[vobiz-webhooks] dedupe store unavailable; answering 503 so Vobiz retries.', cause);
      throw new VobizWebhookError('store_unavailable', 'The dedupe store is unavailable; retry later.', { cause });
    }
    if (claim === 'done') return acknowledge(event, DUPLICATE_BODY);
    if (claim === 'processing') {
      // Not 200: the first copy may still fail, and a 200 here would lose the event.
      fail('in_progress', 'This event is being processed by another delivery; retry later.');
    }

    try {
      const running = runHandlers(event, list);
      if (running !== undefined) await running;
    } catch (error) {
      try {
        await dedupe.release(key);
      } catch (cause) {
        log?.error('[vobiz-webhooks] could not release the dedupe claim; the retry waits for the lease to expire.', cause);
      }
      throw error;
    }
    try {
      const completed = dedupe.complete(key, dedupeTtlMs);
      if (isPromiseLike(completed)) await completed;
    } catch (cause) {
      // The work is done: acknowledge it. A later copy is handled again once the lease expires.
      log?.error('[vobiz-webhooks] could not mark the event done in the dedupe store.', cause);
    }
    return acknowledge(event);
  }

  // A few explanations per 10 s window: a flood of forged requests must not become a
  // flood of extra HMACs and log lines, even where NODE_ENV was left unset.
  let windowEndsAt = 0;
  let explained = 0;
  let undiagnosed = 0;
  async function diagnose(log: Logger, signature: string | undefined, body: RawBody, bodyWasDecoded: boolean): Promise<void> {
    const now = Date.now();
    if (now >= windowEndsAt) {
      windowEndsAt = now + DIAGNOSIS_WINDOW_MS;
      explained = 0;
    }
    if (explained >= DIAGNOSES_PER_WINDOW) {
      undiagnosed++;
      return;
    }
    explained++;
    const skipped =
      undiagnosed > 0 ? `\n  (${undiagnosed} earlier mismatches were not explained: at most ${DIAGNOSES_PER_WINDOW} explanations every 10 s.)` : '';
    undiagnosed = 0;
    log.warn((await explainSignatureMismatch({ signature, body, bodyWasDecoded, secret: secrets })) + skipped);
  }

  function refuse(error: unknown, event: VobizEvent | undefined): ReceiveResult {
    const known =
      error instanceof VobizWebhookError
        ? error
        : new VobizWebhookError('handler_failed', 'The delivery could not be processed.', { cause: error });
    if (!(error instanceof VobizWebhookError)) log?.error('[vobiz-webhooks] unexpected error', error);
    else if (known.status < 500) log?.warn(`[vobiz-webhooks] ${known.status} ${known.code}: ${known.message}`);
    const headers: Record<string, string> = { ...JSON_HEADERS };
    if (known.code === 'method_not_allowed') headers.allow = 'POST';
    if (known.code === 'in_progress' || known.code === 'store_unavailable') headers['retry-after'] = '5';
    const body = JSON.stringify({ ok: false, error: { code: known.code, message: known.message } });
    return { status: known.status, headers, body, error: known, ...(event ? { event } : {}) };
  }

  return {
    path: normalizedPath,
    matchesPath(pathname) {
      return pathname === normalizedPath || (pathname.length === normalizedPath.length + 1 && pathname === `${normalizedPath}/`);
    },
    async receive(request) {
      let event: VobizEvent | undefined;
      try {
        // The order matters: nothing untrusted is parsed before the signature holds.
        if (request.method !== undefined && request.method.toUpperCase() !== 'POST') {
          fail('method_not_allowed', `Method ${request.method} is not allowed; Vobiz delivers with POST.`);
        }
        const contentType = getHeader(request.headers, 'content-type');
        if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
          fail('unsupported_media_type', `Content-Type '${contentType.slice(0, 100)}' is not JSON.`);
        }
        const declared = getHeader(request.headers, 'content-length');
        if (declared !== undefined && Number(declared) > maxBodyBytes) tooLarge();
        const raw = typeof request.rawBody === 'function' ? await request.rawBody(maxBodyBytes) : request.rawBody;
        const bytes = platform.toBytes(raw);
        if (bytes.byteLength > maxBodyBytes) tooLarge();
        const text = typeof raw === 'string' ? raw : undefined;

        const signature = getHeader(request.headers, 'x-webhook-signature');
        const verified = signature === undefined || signature === '' ? false : verify(bytes, signature);
        if (!(isPromiseLike(verified) ? await verified : verified)) {
          // Development aid, computed only on failure: one warning naming the likely cause.
          if (log && signatureDiagnosticsEnabled()) await diagnose(log, signature, text ?? bytes, text !== undefined);
          if (signature === undefined || signature === '') fail('missing_signature', 'The X-Webhook-Signature header is missing.');
          fail('invalid_signature', 'X-Webhook-Signature does not match the body for the configured secret.');
        }

        event = parseEnvelope(text ?? platform.toText(bytes));
        checkEvent(event, getHeader(request.headers, 'x-webhook-event'));
        return await handle(event);
      } catch (error) {
        return refuse(error, event);
      }
    },
  };
}
