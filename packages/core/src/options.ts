import { MAX_TIMER_MS } from './deadline';
import { memoryDedupeStore, type DedupeStore } from './dedupe';
import { routeHandlers, type HandlerList } from './handlers';
import { guardedLogger } from './log';
import { FORMATS, type WireFormat } from './formats/index';
import { normalizeSecrets, refuseSurroundingWhitespace } from './secrets';
import type { EventQueue, Logger, MetaWebhookOptions, VobizEvent, VobizFormat, VobizWebhookOptions } from './types';

const MINUTE = 60_000;
const HOURS_48 = 48 * 60 * MINUTE;
/** Meta retries a failed delivery for up to 7 days. */
const DAYS_7 = 7 * 24 * 60 * MINUTE;
/** How far ahead of the receiver's clock an event's `occurred_at` may be. */
export const FUTURE_SKEW_MS = 5 * MINUTE;

/** Every option checked and defaulted, once, at construction. */
export interface ResolvedOptions {
  /** The formats accepted, each told apart by its signature header. */
  formats: readonly WireFormat[];
  /** `secret`, or `appSecret` for Meta: the option's name, for messages. */
  secretName: string;
  secrets: readonly string[];
  /** Meta only: the token the `GET` subscription handshake must present. */
  verifyToken: string | undefined;
  /** The `Allow` header of a 405: `POST`, or `GET, POST` with the handshake. */
  allow: string;
  /** Inline mode: the handlers each event type runs. Queue mode: none, the worker runs them. */
  handlersFor: (eventType: string) => HandlerList;
  /** Queue mode: where events go instead of handlers, and how long an enqueue may take. */
  queue: { queue: EventQueue; timeoutMs: number } | undefined;
  dedupe: DedupeStore | false;
  dedupeKey: (event: VobizEvent) => unknown;
  maxEventAgeMs: number | false;
  maxBodyBytes: number;
  /** `options.path` without a trailing slash. */
  path: string;
  log: Logger | undefined;
  leaseMs: number;
  dedupeTtlMs: number;
  /** The longest the receiver waits for the dedupe store's answer to one operation. */
  storeTimeoutMs: number;
}

/**
 * Durations and sizes are positive safe integers: `Infinity` or `1e21` would pass a `> 0`
 * check and break a store. A timeout is at most `MAX_TIMER_MS`, past which a timer fires at once.
 */
function positiveInteger(name: string, value: unknown, most = Number.MAX_SAFE_INTEGER): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= most) return value;
  const why = most === MAX_TIMER_MS ? ', the longest a JavaScript timer waits' : '';
  throw new TypeError(
    `vobiz-webhooks: \`${name}\` must be a positive whole number of ${name === 'maxBodyBytes' ? 'bytes' : 'milliseconds'} ` +
      `(at most ${most}${why}), got ${String(value)}.`,
  );
}

/** Queue mode's options: the queue, its timeout, and no `on` (the handlers run in the worker). */
function resolveQueue(options: AnyOptions): ResolvedOptions['queue'] {
  const {
    queue,
    on,
    enqueueTimeoutMs = 2_000,
  } = options as Partial<{ queue: unknown; on: unknown; enqueueTimeoutMs: unknown }>;
  if (queue === undefined) {
    if (options.enqueueTimeoutMs !== undefined) {
      throw new TypeError('vobiz-webhooks: `enqueueTimeoutMs` is for queue mode; pass `queue` too, or drop it.');
    }
    return undefined;
  }
  if (typeof (queue as Partial<EventQueue> | null)?.enqueue !== 'function') {
    throw new TypeError(
      'vobiz-webhooks: `queue` must be an EventQueue ({ enqueue(event, key) }), e.g. bullmqQueue({ connection }) ' +
        'from @vobiz-webhooks/bullmq.',
    );
  }
  if (on !== undefined) {
    throw new TypeError(
      'vobiz-webhooks: `queue` and `on` were both given. In queue mode the handlers run in the worker: pass `on` to ' +
        'createWorker({ connection, on }) in the worker process, and give the receiver only `queue`.',
    );
  }
  return {
    queue: queue as EventQueue,
    timeoutMs: positiveInteger('enqueueTimeoutMs', enqueueTimeoutMs, MAX_TIMER_MS),
  };
}

const UNITS = [
  [60 * MINUTE, 'h'],
  [MINUTE, 'min'],
  [1000, 's'],
] as const;

/**
 * A duration for messages, in the largest unit it fills once rounded to a tenth: `48 h`,
 * `1.5 h`, `30 min`, `2 s`, `500 ms` (59,999 ms is `1 min`, not `60 s`).
 */
export function duration(ms: number): string {
  for (const [size, unit] of UNITS) {
    const value = Math.round((ms / size) * 10) / 10;
    if (value >= 1) return `${value} ${unit}`;
  }
  return `${ms} ms`;
}

type AnyOptions = VobizWebhookOptions | MetaWebhookOptions;

/** What tells the sources apart at construction; the rest of the options are common. */
interface SourceSettings {
  formats: readonly WireFormat[];
  secretName: 'secret' | 'appSecret';
  secret: unknown;
  verifyToken: string | undefined;
  path: string;
  maxEventAgeMs: number;
}

const VOBIZ_FORMATS: readonly VobizFormat[] = ['vobiz', 'vobiz-legacy'];

function resolveFormats(formats: unknown = VOBIZ_FORMATS): readonly WireFormat[] {
  const names = Array.isArray(formats) ? (formats as unknown[]) : undefined;
  if (names === undefined || names.length === 0 || names.some((name) => !VOBIZ_FORMATS.includes(name as VobizFormat))) {
    const meta = names?.includes('meta') === true ? " Meta's deliveries are received with metaWebhook." : '';
    throw new TypeError(
      "vobiz-webhooks: `formats` must be a non-empty array of 'vobiz' and 'vobiz-legacy' (default both), got " +
        `${JSON.stringify(formats) ?? String(formats)}.${meta}`,
    );
  }
  return [...new Set(names as VobizFormat[])].map((name) => FORMATS[name]);
}

/** Validates and defaults `vobizWebhook`'s options (both Vobiz formats by default). */
export function resolveVobizOptions(options: VobizWebhookOptions): ResolvedOptions {
  return resolveOptions(options, {
    formats: resolveFormats(options.formats),
    secretName: 'secret',
    secret: options.secret,
    verifyToken: undefined,
    path: '/webhooks/vobiz',
    maxEventAgeMs: HOURS_48,
  });
}

/** Validates and defaults `metaWebhook`'s options: Meta's format, its handshake, a 7-day window. */
export function resolveMetaOptions(options: MetaWebhookOptions): ResolvedOptions {
  const { verifyToken, secret } = options as MetaWebhookOptions & { secret?: unknown };
  if (secret !== undefined && options.appSecret === undefined) {
    throw new TypeError(
      "vobiz-webhooks: metaWebhook takes `appSecret` (the Meta app's App Secret, under App settings → Basic), not " +
        '`secret`.',
    );
  }
  if (typeof verifyToken !== 'string' || verifyToken.length === 0) {
    throw new TypeError(
      'vobiz-webhooks: `verifyToken` is required for metaWebhook: the Verify Token you enter with the callback URL ' +
        'in the Meta app dashboard (WhatsApp → Configuration), e.g. `verifyToken: process.env.META_VERIFY_TOKEN`.',
    );
  }
  // Meta sends the token as it was entered in the dashboard: a newline from a .env file would fail every handshake.
  refuseSurroundingWhitespace(verifyToken, '`verifyToken`', 'handshake');
  return resolveOptions(options, {
    formats: [FORMATS.meta],
    secretName: 'appSecret',
    secret: options.appSecret,
    verifyToken,
    path: '/webhooks/meta',
    maxEventAgeMs: DAYS_7,
  });
}

/**
 * Validates and defaults the options, failing loudly with the fix in the message, so
 * that nothing is decided per request that could be decided here.
 */
function resolveOptions(options: AnyOptions, source: SourceSettings): ResolvedOptions {
  const {
    on,
    dedupe: store,
    dedupeKey = (event: VobizEvent) => event.event_id,
    maxEventAgeMs = source.maxEventAgeMs,
    maxBodyBytes = 1024 * 1024,
    path = source.path,
    logger = console,
    leaseMs = MINUTE,
    storeTimeoutMs = 5_000,
  } = options as Partial<VobizWebhookOptions>;

  const secrets = normalizeSecrets(source.secret, source.secretName);
  const queue = resolveQueue(options);
  const log = guardedLogger(logger);
  const handlersFor = queue === undefined ? routeHandlers(on, { log }) : () => [];
  if (maxEventAgeMs !== false) positiveInteger('maxEventAgeMs', maxEventAgeMs);
  positiveInteger('maxBodyBytes', maxBodyBytes);
  positiveInteger('leaseMs', leaseMs);
  positiveInteger('storeTimeoutMs', storeTimeoutMs, MAX_TIMER_MS);
  if (typeof dedupeKey !== 'function')
    throw new TypeError('vobiz-webhooks: `dedupeKey` must be a function of the event.');

  // A done marker must outlive every replay the age window still accepts, future skew
  // included: a replay is then either stale or a duplicate, never handled again.
  const window = maxEventAgeMs === false ? undefined : maxEventAgeMs + FUTURE_SKEW_MS;
  const dedupeTtlMs = positiveInteger('dedupeTtlMs', options.dedupeTtlMs ?? window ?? HOURS_48);
  if (window !== undefined && dedupeTtlMs < window) {
    throw new TypeError(
      `vobiz-webhooks: \`dedupeTtlMs\` (${duration(dedupeTtlMs)}) is shorter than the accepted window ` +
        `(maxEventAgeMs ${duration(maxEventAgeMs as number)} + 5 min ahead), so a replay inside the window would be ` +
        `handled twice. Leave dedupeTtlMs unset, or set it to at least ${window}, or lower maxEventAgeMs.`,
    );
  }
  const dedupe = store ?? memoryDedupeStore({ logger: log ?? false });
  if (dedupe === false && options.storeTimeoutMs !== undefined) {
    throw new TypeError('vobiz-webhooks: `storeTimeoutMs` bounds the dedupe store, and `dedupe` is false; drop one.');
  }
  if (dedupe !== false && dedupe.maxTtlMs !== undefined && dedupe.maxTtlMs < dedupeTtlMs) {
    throw new TypeError(
      `vobiz-webhooks: the dedupe store keeps a handled event for at most ${duration(dedupe.maxTtlMs)}, shorter than ` +
        `dedupeTtlMs (${duration(dedupeTtlMs)}), so a replay inside the accepted window would be handled twice. ` +
        `Build the store with a longer ttlMs (at least ${dedupeTtlMs}), or lower maxEventAgeMs.`,
    );
  }

  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`vobiz-webhooks: \`path\` must start with '/', got '${String(path)}'.`);
  }
  return {
    formats: source.formats,
    secretName: source.secretName,
    secrets,
    verifyToken: source.verifyToken,
    allow: source.verifyToken === undefined ? 'POST' : 'GET, POST',
    handlersFor,
    queue,
    dedupe,
    dedupeKey,
    maxEventAgeMs,
    maxBodyBytes,
    path: path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path,
    log,
    leaseMs,
    dedupeTtlMs,
    storeTimeoutMs,
  };
}
