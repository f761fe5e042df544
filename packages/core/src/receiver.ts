import { isTimeout, withinTime } from './deadline';
import type { ClaimResult, DedupeStore } from './dedupe';
import { departureReporter } from './departures';
import { mismatchExplainer } from './diagnostics';
import { errorHeaders, isVobizWebhookError, VobizWebhookError, type VobizWebhookErrorCode } from './errors';
import { answerHandshake } from './formats/handshake';
import { FORMATS, type WireFormat } from './formats/index';
import { isPromiseLike, runHandlers, type HandlerList } from './handlers';
import { getHeader, type HeaderSource } from './headers';
import { guardedLogger, rateLimitedWarn, safeName } from './log';
import { duration, FUTURE_SKEW_MS, type ResolvedOptions } from './options';
import type { DecodedSignature } from './signature-format';
import type { Logger, VobizEvent } from './types';

export type RawBody = Uint8Array | string;

export interface ReceiveRequest {
  /** Omit when the framework already routed only POSTs here. */
  method?: string | undefined;
  /**
   * The request target (`/webhooks/meta?hub.mode=…`) or the absolute URL. Only Meta's
   * `GET` subscription handshake reads it, for its query.
   */
  url?: string | undefined;
  headers: HeaderSource;
  /**
   * The exact bytes as received, or a function that reads them with the given byte
   * limit. A function is called only after the method and content type passed, so an
   * unwanted request is answered without buffering its body.
   */
  rawBody: RawBody | ((limit: number) => Promise<RawBody>);
  /**
   * Where this request's log lines go instead of the receiver's `logger`: a framework's
   * per-request logger, so that the lines carry its request id (Fastify's `request.log`).
   */
  logger?: Logger | undefined;
}

export interface ReceiveResult {
  status: number;
  /** A fresh object per result: the caller may add to it. */
  headers: Record<string, string>;
  /** JSON text (the handshake: the challenge as plain text), ready to send as is. */
  body: string;
  /** The verified event, when the delivery got that far (the first, when a Meta body held several). */
  event?: VobizEvent;
  /** Every event of the delivery: one, or for Meta one per item. */
  events?: readonly VobizEvent[];
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
  verifier(secrets: readonly string[]): (body: Uint8Array, given: DecodedSignature) => boolean | Promise<boolean>;
  toBytes(raw: RawBody): Uint8Array;
  toText(bytes: Uint8Array): string;
}

/** A claim this receiver holds: its store, its key, the token that owns it, and its delivery's batch. */
interface Claim {
  store: DedupeStore;
  key: string;
  token: string;
  batch: Batch | undefined;
}

/** Whether an event was a duplicate of one already handled; `undefined` when nothing handles it. */
type Duplicate = boolean | undefined;

/** What the events of one delivery of several (a Meta batch) share while they are handled in turn. */
interface Batch {
  /** The keys already handled: a body that repeats an item runs it once, also when its first run failed. */
  tried: Set<string>;
  /**
   * The store or the queue let a deadline pass (`storeTimeoutMs`, `enqueueTimeoutMs`, or its
   * own, such as the Redis store's `timeoutMs`): the later items are refused without asking
   * it, so one that stopped answering holds the request once, not once per item. Any other
   * failure is one item's: the rest are still tried.
   */
  storeSilent: boolean;
  queueSilent: boolean;
}

/** Whether a failure is a deadline that passed, in a batch (`Batch`). */
const missedDeadline = (batch: Batch | undefined, cause: unknown): batch is Batch =>
  batch !== undefined && isTimeout(cause);

/** A delivery's bytes within the limit, and the text the caller gave when it gave text. */
interface Body {
  bytes: Uint8Array;
  text: string | undefined;
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
  'verification_failed',
]);

const fail = (code: VobizWebhookErrorCode, message: string, cause?: unknown): never => {
  throw new VobizWebhookError(code, message, cause === undefined ? undefined : { cause });
};

/**
 * The receive pipeline, for the options of any source (`resolveVobizOptions`,
 * `resolveMetaOptions`): every format it accepts runs through the same steps.
 */
export function createReceiverWith(platform: Platform, resolved: ResolvedOptions): Receiver {
  const {
    formats,
    secretName,
    verifyToken,
    allow,
    secrets,
    handlersFor,
    queue,
    dedupe,
    dedupeKey,
    maxEventAgeMs,
    maxBodyBytes,
    path,
    log: receiverLog,
    leaseMs,
    dedupeTtlMs,
    storeTimeoutMs,
  } = resolved;
  const verify = platform.verifier(secrets);
  // Rate limits and once-only reports are the receiver's; the logger is each request's (`ReceiveRequest.logger`).
  const explainMismatch = mismatchExplainer(secrets);
  const reportDepartures = departureReporter();
  const warnUnauthenticated = rateLimitedWarn(5, 10_000);
  // Signed refusals (stale, malformed, in progress) come from the sender or a replay of what it
  // signed: a wider budget, one per code, so that a replay flood of one kind hides no other
  // kind, and a replayed body cannot flood the log.
  const warnRefused = new Map<VobizWebhookErrorCode, ReturnType<typeof rateLimitedWarn>>();
  const warnSigned = (log: Logger, code: VobizWebhookErrorCode, line: string): void => {
    let warn = warnRefused.get(code);
    if (warn === undefined) warnRefused.set(code, (warn = rateLimitedWarn(20, 10_000)));
    warn(log, line);
  };
  // Claim tokens: unique per claim, so a late release or complete touches only its own claim.
  const tokenPrefix = `${globalThis.crypto.randomUUID()}:`;
  let claims = 0;

  const tooLarge = () => fail('payload_too_large', `The body is larger than maxBodyBytes (${maxBodyBytes} bytes).`);

  /** The raw bytes within the limit. */
  const bodyOf = (raw: RawBody): Body => {
    const bytes = platform.toBytes(raw);
    if (bytes.byteLength > maxBodyBytes) tooLarge();
    return { bytes, text: typeof raw === 'string' ? raw : undefined };
  };
  const unreadable = (error: unknown): never => {
    if (isVobizWebhookError(error)) throw error;
    return fail('body_unreadable', 'The request body could not be read completely; the sender retries.', error);
  };

  /**
   * Steps 1–3: method, content type, and the raw bytes within the limit. Synchronous when
   * the caller has the bytes already, as most frameworks do: no promise on that path.
   */
  function readBody(request: ReceiveRequest): Body | Promise<Body> {
    if (request.method !== undefined && request.method.toUpperCase() !== 'POST') {
      const handshake = verifyToken === undefined ? '' : " (GET only for Meta's subscription handshake)";
      fail(
        'method_not_allowed',
        `Method ${safeName(request.method, 16)} is not allowed; deliveries come as POST${handshake}.`,
      );
    }
    const contentType = getHeader(request.headers, 'content-type');
    if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
      fail('unsupported_media_type', `Content-Type '${safeName(contentType, 64)}' is not JSON.`);
    }
    const declared = getHeader(request.headers, 'content-length');
    if (declared !== undefined && Number(declared) > maxBodyBytes) tooLarge();
    const { rawBody } = request;
    if (typeof rawBody !== 'function') return bodyOf(rawBody);
    let reading: Promise<RawBody>;
    try {
      reading = rawBody(maxBodyBytes);
    } catch (error) {
      return unreadable(error);
    }
    return Promise.resolve(reading).then(bodyOf, unreadable);
  }

  /**
   * Which format the delivery is in, by the one signature header it carries. A header
   * another receiver would take is named in the refusal, with the receiver to use.
   */
  function formatOf(headers: HeaderSource): { format: WireFormat; signature: string } | undefined {
    let found: { format: WireFormat; signature: string } | undefined;
    for (const format of formats) {
      const signature = getHeader(headers, format.signatureHeader);
      if (signature === undefined || signature === '') continue;
      if (found !== undefined) {
        fail(
          'invalid_signature',
          `Both ${found.format.signatureName} and ${format.signatureName} were sent; a delivery carries one signature.`,
        );
      }
      found = { format, signature };
    }
    return found;
  }

  /** No signature header this receiver accepts: `missing_signature`, naming the receiver for one it does not. */
  async function missingSignature(
    headers: HeaderSource,
    { bytes, text }: Body,
    log: Logger | undefined,
  ): Promise<never> {
    if (formats.includes(FORMATS.vobiz)) {
      await explainMismatch(log, { signature: undefined, body: text ?? bytes, bodyWasDecoded: text !== undefined });
    }
    const expected = formats.map((format) => format.signatureName).join(' or ');
    const elsewhere = Object.values(FORMATS)
      .filter((format) => !formats.includes(format) && getHeader(headers, format.signatureHeader) !== undefined)
      .map((format) => ` ${format.signatureName} was sent: receive that format with ${format.acceptedBy}.`);
    return fail('missing_signature', `The ${expected} header is missing.${elsewhere.join('')}`);
  }

  /** Step 4: the signature, in constant time, under any of the secrets. Synchronous with a synchronous verifier. */
  function authenticate(
    format: WireFormat,
    signature: string,
    body: Body,
    log: Logger | undefined,
  ): void | Promise<void> {
    const verified = verify(body.bytes, format.decodeSignature(signature));
    if (isPromiseLike(verified))
      return Promise.resolve(verified).then((matched) => accepted(matched, format, signature, body, log));
    return accepted(verified, format, signature, body, log);
  }

  /** Refuses a signature that did not match, first naming the likely cause (computed only then). */
  function accepted(
    matched: boolean,
    format: WireFormat,
    signature: string,
    { bytes, text }: Body,
    log: Logger | undefined,
  ): void | Promise<void> {
    if (matched) return;
    const refuse = (): never =>
      fail('invalid_signature', `${format.signatureName} does not match the body for the configured ${secretName}.`);
    // Development aid: one warning naming the likely cause.
    if (format !== FORMATS.vobiz || log === undefined) return refuse();
    return explainMismatch(log, { signature, body: text ?? bytes, bodyWasDecoded: text !== undefined }).then(refuse);
  }

  /** Step 8: the event is inside the age window. */
  function checkAge(event: VobizEvent, now: number): void {
    if (maxEventAgeMs === false) return;
    const age = now - Date.parse(event.occurred_at);
    if (age > maxEventAgeMs || age < -FUTURE_SKEW_MS) {
      fail(
        'stale_event',
        `occurred_at ${event.occurred_at} is outside the accepted window (${duration(maxEventAgeMs)} old, ` +
          '5 min ahead); check the server clock, or raise maxEventAgeMs.',
      );
    }
  }

  /** The key an event is deduped on, from the user's `dedupeKey`: a non-empty string, or the delivery fails and is retried. */
  function keyOf(event: VobizEvent, log: Logger | undefined): string {
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

  /**
   * The claim on `key`; `store_unavailable` when the store fails, synchronously or not, or
   * gives no answer within `storeTimeoutMs`. A claim that still comes after that is given
   * back, so the sender's retry is not kept waiting for a lease nobody is using.
   */
  function claim({ store, key, token, batch }: Claim, log: Logger | undefined): ClaimResult | Promise<ClaimResult> {
    const unavailable = (cause: unknown): never => {
      if (missedDeadline(batch, cause)) batch.storeSilent = true;
      log?.error('[vobiz-webhooks] dedupe store unavailable; answering 503 so the sender retries.', cause);
      return fail('store_unavailable', 'The dedupe store is unavailable; retry later.', cause);
    };
    if (batch?.storeSilent === true) {
      return fail('store_unavailable', 'The dedupe store is unavailable; retry later.');
    }
    let pending: ClaimResult | PromiseLike<ClaimResult>;
    let promised: boolean;
    try {
      pending = store.claim(key, leaseMs, token);
      // A store's own code too, when its result is a thenable with a getter.
      promised = isPromiseLike(pending);
    } catch (cause) {
      return unavailable(cause);
    }
    if (!promised) return pending as ClaimResult;
    const giveBack = (late: ClaimResult) => (late === 'claimed' ? store.release(key, token) : undefined);
    return withinTime(pending as PromiseLike<ClaimResult>, storeTimeoutMs, "the dedupe store's claim", giveBack).then(
      undefined,
      unavailable,
    );
  }

  /**
   * Queue mode's step 10: the event is acknowledged only once the queue stored it. A queue
   * that fails or takes longer than the timeout is 503: the claim is released and the
   * sender retries. If a late enqueue still lands, the retry's enqueue finds the same job
   * (the queue's job id comes from the dedupe key), so the event is queued once.
   */
  async function enqueue(
    target: NonNullable<typeof queue>,
    event: VobizEvent,
    key: string,
    log: Logger | undefined,
    batch: Batch | undefined,
  ): Promise<void> {
    if (batch?.queueSilent === true) fail('queue_unavailable', 'The event queue is unavailable; retry later.');
    try {
      const enqueued = target.queue.enqueue(event, key, { keepMs: dedupeTtlMs });
      await withinTime(enqueued, target.timeoutMs, 'the event queue');
    } catch (cause) {
      if (missedDeadline(batch, cause)) batch.queueSilent = true;
      log?.error(
        '[vobiz-webhooks] the event queue did not take the event; answering 503 so the sender retries.',
        cause,
      );
      fail('queue_unavailable', 'The event queue is unavailable; retry later.', cause);
    }
  }

  /** Step 10: the handlers, or in queue mode the enqueue. */
  const deliver = (
    event: VobizEvent,
    list: HandlerList,
    key: string | undefined,
    log: Logger | undefined,
    batch: Batch | undefined,
  ): void | Promise<void> =>
    queue === undefined ? runHandlers(event, list, log) : enqueue(queue, event, key ?? keyOf(event, log), log, batch);

  /**
   * Steps 8–11 for one event: its age, its claim, its handlers or enqueue, then the claim
   * completed, or released so a retry is handled. Whether it was a duplicate, `undefined`
   * when nothing handles it (nothing is recorded): synchronous while the store and the
   * handlers are. `batch` is what the events of a delivery of several share (`Batch`).
   */
  function handle(event: VobizEvent, log: Logger | undefined, batch?: Batch): Duplicate | Promise<Duplicate> {
    const now = Date.now();
    reportDepartures(event, now, log);
    checkAge(event, now);
    const list = handlersFor(event.event_type);
    // Inline, an event nobody handles is acknowledged at once; queued, the worker decides.
    if (list.length === 0 && queue === undefined) return undefined;
    if (dedupe === false) {
      const running = deliver(event, list, undefined, log, batch);
      return running === undefined ? false : running.then(() => false);
    }
    const key = keyOf(event, log);
    if (batch !== undefined) {
      if (batch.tried.has(key)) return true;
      batch.tried.add(key);
    }
    const held: Claim = { store: dedupe, key, token: tokenPrefix + ++claims, batch };
    const claimed = claim(held, log);
    return isPromiseLike(claimed)
      ? claimed.then((result) => deliverClaimed(event, list, held, result, log))
      : deliverClaimed(event, list, held, claimed, log);
  }

  /** Steps 10–11 once claimed: the handlers or enqueue, then the claim completed, or released on failure. */
  function deliverClaimed(
    event: VobizEvent,
    list: HandlerList,
    held: Claim,
    claimed: ClaimResult,
    log: Logger | undefined,
  ): boolean | Promise<boolean> {
    if (claimed === 'done') return true;
    // Not 200: the first copy may still fail, and a 200 here would lose the event.
    if (claimed === 'processing')
      fail('in_progress', 'This event is being processed by another delivery; retry later.');
    if (claimed !== 'claimed') {
      // A store breaking its contract (a forgotten `return`, say) would turn dedupe off unseen.
      log?.error(
        `[vobiz-webhooks] the dedupe store's claim returned ${safeName(String(claimed), 32)}, not 'claimed', ` +
          "'processing' or 'done'; answering 500 so the sender retries. Fix the store's claim.",
      );
      fail('internal_error', 'The dedupe store gave an answer it does not define; the delivery will be retried.');
    }
    let running: void | Promise<void>;
    try {
      running = deliver(event, list, held.key, log, held.batch);
    } catch (error) {
      return release(held, error, log);
    }
    if (running === undefined) return complete(held, log);
    return running.then(
      () => complete(held, log),
      (error: unknown) => release(held, error, log),
    );
  }

  /** Gives the claim up after a failure, so the sender's retry is handled; rejects with the failure. */
  async function release({ store, key, token, batch }: Claim, error: unknown, log: Logger | undefined): Promise<never> {
    try {
      const released = store.release(key, token);
      if (isPromiseLike(released)) await withinTime(released, storeTimeoutMs, "the dedupe store's release");
    } catch (cause) {
      if (missedDeadline(batch, cause)) batch.storeSilent = true;
      log?.error(
        '[vobiz-webhooks] could not release the dedupe claim; the retry waits for the lease to expire.',
        cause,
      );
    }
    throw error;
  }

  /** Marks the claim done. A store failing here is logged, and the delivery still acknowledged: the work is done. */
  function complete({ store, key, token, batch }: Claim, log: Logger | undefined): false | Promise<false> {
    const failed = (cause: unknown): false => {
      if (missedDeadline(batch, cause)) batch.storeSilent = true;
      // A later copy is handled again once the lease expires.
      log?.error('[vobiz-webhooks] could not mark the event done in the dedupe store.', cause);
      return false;
    };
    try {
      const completed = store.complete(key, dedupeTtlMs, token);
      if (isPromiseLike(completed)) {
        return withinTime(completed, storeTimeoutMs, "the dedupe store's complete").then(() => false, failed);
      }
    } catch (cause) {
      return failed(cause);
    }
    return false;
  }

  /**
   * A body of several events (Meta batches items): each is handled on its own, in order,
   * and a failure does not stop the rest, so the resend Meta makes after a failure
   * finds the others done and handles only what failed. The answer is the first failure.
   * Only a store or queue that let a deadline pass is not asked again for the rest (`Batch`).
   * A duplicate when every item something handles was one (a resend after all succeeded).
   */
  async function handleAll(events: readonly VobizEvent[], log: Logger | undefined): Promise<boolean> {
    let failure: { error: unknown } | undefined;
    let duplicates = 0;
    let handled = 0;
    const batch: Batch = { tried: new Set(), storeSilent: false, queueSilent: false };
    for (const event of events) {
      try {
        const duplicate = await handle(event, log, batch);
        if (duplicate === true) duplicates++;
        else if (duplicate === false) handled++;
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
    return duplicates > 0 && handled === 0;
  }

  const acknowledge = (events: readonly VobizEvent[], duplicate: boolean): ReceiveResult => ({
    status: 200,
    headers: jsonHeaders(),
    body: duplicate ? DUPLICATE_BODY : OK_BODY,
    ...(events.length > 0 ? { event: events[0] as VobizEvent } : {}),
    events,
  });

  function refuse(thrown: unknown, events: readonly VobizEvent[] | undefined, log: Logger | undefined): ReceiveResult {
    let error: VobizWebhookError;
    if (isVobizWebhookError(thrown)) {
      error = thrown;
      const line = `[vobiz-webhooks] ${error.status} ${error.code}: ${error.message}`;
      if (log !== undefined && error.status < 500) {
        if (UNAUTHENTICATED.has(error.code)) warnUnauthenticated(log, line);
        else warnSigned(log, error.code, line);
      }
    } else {
      log?.error('[vobiz-webhooks] unexpected error; answering 500 so the sender retries.', thrown);
      error = new VobizWebhookError('internal_error', 'The delivery could not be processed; it will be retried.', {
        cause: thrown,
      });
    }
    // A 405 names the methods this receiver takes: POST, and GET too where Meta's handshake is answered.
    const headers = { ...jsonHeaders(), ...errorHeaders[error.code], ...(error.status === 405 ? { allow } : {}) };
    const body = JSON.stringify({ ok: false, error: { code: error.code, message: error.message } });
    const first = events?.[0];
    return { status: error.status, headers, body, error, ...(first ? { event: first, events } : {}) };
  }

  return {
    path,
    matchesPath(pathname) {
      return pathname === path || (pathname.length === path.length + 1 && pathname === `${path}/`);
    },
    async receive(request) {
      let events: VobizEvent[] | undefined;
      const log = request.logger === undefined ? receiverLog : guardedLogger(request.logger);
      try {
        if (verifyToken !== undefined && request.method?.toUpperCase() === 'GET') {
          return answerHandshake(verifyToken, request.url);
        }
        // The order matters: nothing untrusted is parsed before the signature holds.
        const read = readBody(request);
        const body = isPromiseLike(read) ? await read : read;
        const { format, signature } = formatOf(request.headers) ?? (await missingSignature(request.headers, body, log));
        const authenticated = authenticate(format, signature, body, log);
        if (isPromiseLike(authenticated)) await authenticated;
        events = format.events(body.text ?? platform.toText(body.bytes), request.headers);
        const handled = events.length === 1 ? handle(events[0] as VobizEvent, log) : handleAll(events, log);
        const duplicate = isPromiseLike(handled) ? await handled : handled;
        return acknowledge(events, duplicate === true);
      } catch (error) {
        return refuse(error, events, log);
      }
    },
  };
}
