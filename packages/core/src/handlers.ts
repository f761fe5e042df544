import { VobizWebhookError } from './errors';
import { safeName } from './log';
import { LEGACY_EVENT_TYPES } from './formats/vobiz-legacy';
import type { EventHandler, Logger, VobizEvent } from './types';

/** A handler with the key it was given under in `on` (a worker records completion by key). */
export interface RoutedHandler {
  readonly key: string;
  readonly handler: EventHandler<VobizEvent>;
}

export type HandlerList = readonly RoutedHandler[];

const RECEIVER_ON =
  "an object of handlers, e.g. { 'message.inbound': async (event) => {…} } " +
  '(or `queue`, to run the handlers in worker processes).';

/** The keys `EventHandlers` names; any `call.<event>` and `meta.<field>` too. */
const KNOWN_KEYS = [
  'message.inbound',
  'message.status',
  'contact.updated',
  'campaign.completed',
  'call.*',
  'meta.*',
  '*',
];

/** Edits (insertions, deletions, substitutions) from `a` to `b`, stopping early past `most`. */
function editsBetween(a: string, b: string, most: number): number {
  if (Math.abs(a.length - b.length) > most) return most + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * A warning for a handler key no event arrives under: a misspelling that the types catch
 * only on an object literal (`const on = {…}` declared apart compiles), said once at
 * construction with the key it most likely meant.
 */
function unknownKeyWarning(key: string): string | undefined {
  if (KNOWN_KEYS.includes(key) || key.startsWith('call.') || key.startsWith('meta.')) return undefined;
  const lower = key.toLowerCase();
  // Near an earlier name too ('message.recieved'): what that name became.
  const candidates: ReadonlyArray<readonly [string, string]> = [
    ...KNOWN_KEYS.map((known) => [known, known] as const),
    ...Object.entries(LEGACY_EVENT_TYPES),
  ];
  // Up to two edits, fewer for short names: `'ab'` is no misspelling of `'*'`.
  const near = candidates.find(([name]) => editsBetween(lower, name, 2) <= Math.min(2, name.length >> 2))?.[1];
  const advice = near === undefined ? '' : ` Did you mean '${near}'?`;
  return (
    `[vobiz-webhooks] \`on\` has a handler for '${safeName(key, 64)}', an event type this version does not know: ` +
    `it runs only for deliveries of exactly that type.${advice} The keys are ` +
    `${KNOWN_KEYS.map((known) => `'${known}'`).join(', ')}, any 'call.<event>' and 'meta.<field>'; ` +
    "event types added later reach '*'."
  );
}

/**
 * Which handlers each event type runs, decided once from `on`: its own handler, then
 * `'call.*'` for call events (`'meta.*'` for Meta's other fields), then `'*'`. Types
 * without their own key share a list. `required` says what `on` should be when it is
 * missing (the receiver's wording by default); `log` hears of keys no event arrives under.
 */
export function routeHandlers(
  on: unknown,
  { required = RECEIVER_ON, log }: { required?: string; log?: Logger | undefined } = {},
): (eventType: string) => HandlerList {
  if (typeof on !== 'object' || on === null) throw new TypeError(`vobiz-webhooks: \`on\` is required: ${required}`);
  const handlers = on as Record<string, EventHandler<VobizEvent> | undefined>;
  for (const [legacy, current] of Object.entries(LEGACY_EVENT_TYPES)) {
    if (Object.hasOwn(handlers, legacy)) {
      throw new TypeError(
        `vobiz-webhooks: '${legacy}' is Vobiz's earlier event name, and no event arrives under it: deliveries in ` +
          `that format are mapped to '${current}'. Use '${current}' as the handler key.`,
      );
    }
  }
  const entry = (key: string): RoutedHandler[] => {
    const handler = handlers[key];
    return handler === undefined ? [] : [{ key, handler }];
  };
  const wildcard = entry('*');
  const callWildcard = [...entry('call.*'), ...wildcard];
  const metaWildcard = [...entry('meta.*'), ...wildcard];
  /** What runs after a type's own handler: `'call.*'` or `'meta.*'` for their families, then `'*'`. */
  const after = (type: string): HandlerList =>
    type.startsWith('call.') ? callWildcard : type.startsWith('meta.') ? metaWildcard : wildcard;
  const byType = new Map<string, HandlerList>();
  // Own keys only: an event type such as 'valueOf' must not find Object.prototype.valueOf.
  for (const [type, handler] of Object.entries(handlers)) {
    if (handler !== undefined && typeof handler !== 'function') {
      throw new TypeError(`vobiz-webhooks: the handler for '${safeName(type, 64)}' must be a function.`);
    }
    if (handler === undefined) continue;
    const warning = unknownKeyWarning(type);
    if (warning !== undefined) log?.warn(warning);
    if (type === '*' || type === 'call.*' || type === 'meta.*') continue;
    byType.set(type, [{ key: type, handler }, ...after(type)]);
  }
  return (type) => byType.get(type) ?? after(type);
}

/** The in-memory store and synchronous handlers answer at once: awaiting only real promises saves a turn. */
export const isPromiseLike = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> =>
  typeof (value as { then?: unknown } | null | undefined)?.then === 'function';

/**
 * Runs every handler of `list` for `event`; the delivery succeeds only if all of them
 * do. A failure is logged and becomes `handler_failed`, so the sender retries. The
 * usual case, one synchronous handler, costs no promise.
 */
export function runHandlers(event: VobizEvent, list: HandlerList, log: Logger | undefined): void | Promise<void> {
  const failed = (reason: unknown): never => {
    log?.error(
      `[vobiz-webhooks] handler for ${safeName(event.event_type, 64)} failed (event_id ${safeName(event.event_id, 64)}); ` +
        'answering 500 so the sender retries.',
      reason,
    );
    throw new VobizWebhookError(
      'handler_failed',
      'A handler failed; the event was not acknowledged and will be retried.',
    );
  };
  if (list.length > 1) {
    return Promise.allSettled(list.map(async ({ handler }) => handler(event))).then((outcomes) => {
      const rejected = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (rejected) failed(rejected.reason);
    });
  }
  let running: PromiseLike<unknown> | undefined;
  try {
    const returned: unknown = (list[0] as RoutedHandler).handler(event);
    // Reading `then` runs the handler's code too (a getter, a Proxy): a throw there is its failure.
    if (isPromiseLike(returned)) running = returned;
  } catch (reason) {
    failed(reason);
  }
  // Promise.resolve reads `then` once more; a throw then rejects, and is the handler's failure as well.
  if (running !== undefined) return Promise.resolve(running).then(() => undefined, failed);
}
