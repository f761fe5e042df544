import { z } from 'zod';
import { safeName, safeText } from './log';
import { changeValueSchema, metaObjectSchema } from './schemas';
import type { Logger, VobizEvent } from './types';

/*
 * A signed payload is never refused for its content: if it does not fit Meta's
 * documented types, our schema is wrong, not the sender, and a 400 would lose the
 * event. Departures are reported instead, once per event type and JSON path per
 * process, so the operator learns what their sender really sends without a log line
 * per delivery.
 */

/** Distinct paths remembered at most; past it, new departures go unreported rather than grow memory. */
const MAX_REPORTED = 1000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The subset of JSON Schema that `z.toJSONSchema` produces for the payload schemas. */
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  items?: JsonSchema;
}

/**
 * A JSON Schema node made quick to walk: the object's declared fields as parallel arrays.
 * Checking a payload walks the value once beside it and allocates nothing unless
 * something departs (a zod `safeParse` copies every object it accepts, several times
 * the cost on a typical delivery).
 */
interface Node {
  type: string | undefined;
  /** The object's declared fields; a payload's own keys are looked up here (most declared fields are absent). */
  fields: ReadonlyMap<string, Node> | undefined;
  required: readonly string[];
  items: Node | undefined;
}

function compile(schema: JsonSchema): Node {
  const properties = Object.entries(schema.properties ?? {});
  return {
    type: schema.type,
    fields: properties.length === 0 ? undefined : new Map(properties.map(([key, field]) => [key, compile(field)])),
    required: schema.required ?? [],
    items: schema.items === undefined ? undefined : compile(schema.items),
  };
}

let shapes: { meta: Node; value: Node } | undefined;
// Built on first use, from the zod schemas through zod's public JSON Schema export, so
// the schemas stay the one definition of Meta's documented types.
const shapesOf = () =>
  (shapes ??= {
    meta: compile(z.toJSONSchema(metaObjectSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema),
    value: compile(z.toJSONSchema(changeValueSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema),
  });

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;

export interface Departure {
  /** Where, array positions folded: `payload.entry[].changes[].value.messages[].id`. */
  path: string;
  /** What Meta documents there and what came instead. */
  message: string;
}

/** `payload.entry[].changes[].value.messages[].id`, built only when something departs. */
const pathOf = (keys: readonly string[]): string =>
  keys.reduce((path, key) => (key === '[]' ? `${path}[]` : `${path}.${key}`), 'payload');

/** Walks `value` beside `node`; `keys` is the path so far (array positions folded to `[]`). */
function walk(node: Node, value: unknown, keys: string[], found: Departure[]): void {
  const expected = node.type;
  if (expected !== undefined) {
    const kind = kindOf(value);
    if (kind !== expected && !(expected === 'integer' && kind === 'number')) {
      found.push({
        path: pathOf(keys),
        message: `expected ${expected}, received ${value === undefined ? 'nothing' : kind}`,
      });
      return;
    }
  }
  if (node.fields !== undefined && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of node.required) {
      if (!Object.hasOwn(record, key))
        found.push({ path: pathOf([...keys, key]), message: 'required, received nothing' });
    }
    for (const key in record) {
      const field = node.fields.get(key);
      if (field === undefined) continue;
      keys.push(key);
      walk(field, record[key], keys, found);
      keys.pop();
    }
  } else if (node.items !== undefined && Array.isArray(value)) {
    keys.push('[]');
    for (const item of value) walk(node.items, item, keys, found);
    keys.pop();
  }
}

/** The event types whose payload Meta documents: messages, statuses and calls. */
const described = (type: string): boolean =>
  type === 'message.inbound' || type === 'message.status' || type.startsWith('call.');

/** Where an event's payload departs from Meta's documented types (empty when it does not). */
export function departuresOf(event: VobizEvent): Departure[] {
  if (!described(event.event_type)) return [];
  const payload: unknown = event.payload;
  const found: Departure[] = [];
  walk(isObject(payload) && 'entry' in payload ? shapesOf().meta : shapesOf().value, payload, [], found);
  return found;
}

/**
 * How many events are checked. A check walks the whole payload (about 4 µs for a batch of
 * five messages), a cost no delivery should pay for a diagnostic at any rate: up to
 * `burst` events are checked back to back, then `perSecond` a second on average (a token
 * bucket). A receiver below that rate checks every event; a busy one still checks enough
 * to find any departure that recurs, at a bounded cost.
 */
export const DEPARTURE_CHECKS = { burst: 1000, perSecond: 100 } as const;

/**
 * Reports each event type and path once per receiver through the logger's `warn`, within
 * `DEPARTURE_CHECKS`. `now` is the caller's clock, in ms; the logger comes with each event
 * (a request's own, say), and without one nothing is checked.
 */
export function departureReporter(): (event: VobizEvent, now: number, log: Logger | undefined) => void {
  const reported = new Set<string>();
  const { burst, perSecond } = DEPARTURE_CHECKS;
  let checks: number = burst;
  let since = Number.NEGATIVE_INFINITY;
  return (event, now, log) => {
    // The earlier envelope's payload is this library's own mapping of Vobiz's `data` (a string
    // error `code` where Meta has numbers, say): a departure there would not be the sender's.
    if (log === undefined || event.source === 'vobiz-legacy' || !described(event.event_type)) return;
    // Refilled for the time since the last event; a clock stepped back refills nothing.
    checks = Math.min(burst, checks + (Math.max(0, now - since) * perSecond) / 1000);
    since = now;
    if (checks < 1) return;
    checks--;
    const departures = departuresOf(event);
    for (const { path, message } of departures) {
      const key = `${event.event_type} ${path}`;
      if (reported.has(key) || reported.size >= MAX_REPORTED) continue;
      reported.add(key);
      log.warn(
        `[vobiz-webhooks] ${safeName(event.event_type, 64)} payload departs from Meta's documented types at ${path} ` +
          `(${safeText(message)}); the handler gets it as sent. Reported once per path.`,
      );
    }
  };
}
