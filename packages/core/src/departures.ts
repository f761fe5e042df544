import { z } from 'zod';
import { safeText } from './log';
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

/** Where an event's payload departs from Meta's documented types (empty when it does not). */
export function departuresOf(event: VobizEvent): Departure[] {
  const type = event.event_type;
  if (type !== 'message.inbound' && type !== 'message.status' && !type.startsWith('call.')) return [];
  const payload: unknown = event.payload;
  const found: Departure[] = [];
  walk(isObject(payload) && 'entry' in payload ? shapesOf().meta : shapesOf().value, payload, [], found);
  return found;
}

/** Reports each event type and path once per process through the logger's `warn`. */
export function departureReporter(log: Logger | undefined): (event: VobizEvent) => void {
  if (log === undefined) return () => undefined;
  const reported = new Set<string>();
  return (event) => {
    const departures = departuresOf(event);
    for (const { path, message } of departures) {
      const key = `${event.event_type} ${path}`;
      if (reported.has(key) || reported.size >= MAX_REPORTED) continue;
      reported.add(key);
      log.warn(
        `[vobiz-webhooks] ${safeText(event.event_type, 64)} payload departs from Meta's documented types at ${path} ` +
          `(${safeText(message)}); the handler gets it as sent. Reported once per path.`,
      );
    }
  };
}
