import type { z } from 'zod';
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

/** The documented schema for an event's payload, for the event types that carry WhatsApp data. */
function documentedSchema(event: VobizEvent): z.ZodType | undefined {
  const type = event.event_type;
  if (type !== 'message.inbound' && type !== 'message.status' && !type.startsWith('call.')) return undefined;
  return isObject(event.payload) && 'entry' in event.payload ? metaObjectSchema : changeValueSchema;
}

/** `payload.entry[].changes[].value.messages[].timestamp`: array positions folded, so one path covers every item. */
const pathOf = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[]` : `${text}.${String(key)}`), 'payload');

export interface Departure {
  /** Where, array positions folded: `payload.entry[].changes[].value.messages[].id`. */
  path: string;
  /** What Meta documents there and what came instead. */
  message: string;
}

/** Where an event's payload departs from Meta's documented types (empty when it does not). */
export function departuresOf(event: VobizEvent): Departure[] {
  const schema = documentedSchema(event);
  if (schema === undefined) return [];
  const result = schema.safeParse(event.payload);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
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
