import type { EventSource } from '@vobiz-webhooks/core';
import {
  createTestEvent,
  legacyEventName,
  signedRequest,
  testMessageKinds,
  type SignOptions,
  type TestEventOptions,
} from '@vobiz-webhooks/core/testing';
import { terminalText } from './terminal-text';

/** One HTTP delivery, built and signed, not yet sent. */
export interface Delivery {
  /** What it is, for people: `message.inbound (image)`, `duplicate of …`. */
  label: string;
  eventType: string | undefined;
  eventId: string | undefined;
  /** Sent byte for byte. */
  body: string | Uint8Array;
  /**
   * Exactly what the sender sends: Content-Type and its signature header (Vobiz's
   * X-Webhook-Signature and X-Webhook-Event, the earlier X-Vobiz-Signature, or Meta's
   * X-Hub-Signature-256).
   */
  headers: Record<string, string>;
  /** `duplicate`: the same bytes again, as a Vobiz retry; `tampered`: changed after signing. */
  variant?: 'duplicate' | 'tampered';
}

export interface DeliveryResult {
  delivery: Delivery;
  status: number;
  /** A 2xx answer: what Vobiz counts as delivered. */
  ok: boolean;
  body: string;
  /** The answer parsed as JSON, when it is JSON. */
  json?: unknown;
  durationMs: number;
}

export interface SendOptions {
  url: string | URL;
  /** The key the deliveries are signed with: the subscription secret, or for `meta` the app's App Secret. */
  secret: string;
  /**
   * Whose deliveries to build: `vobiz` (Vobiz's current envelope), `vobiz-legacy`
   * (Vobiz's earlier envelope, `X-Vobiz-Signature`) or `meta` (Meta's Cloud API webhook
   * object, `X-Hub-Signature-256`). Default: `vobiz` for generated deliveries; `events`
   * are signed as their shape says.
   */
  source?: EventSource;
  /** `vobiz-legacy`: how X-Vobiz-Signature is encoded (default `hex`). */
  encoding?: SignOptions['encoding'];
  /** `vobiz-legacy`: put `sha256=` before the signature. */
  prefix?: boolean;
  /**
   * An event type (`message.inbound`, `message.status`, `call.connect`, …, or a future
   * one; for `vobiz-legacy` also `contact.updated`, `campaign.completed` and the earlier
   * names such as `message.delivered`), or `all`: every event type, message kind and
   * status value the source sends.
   * Default `message.inbound`. Ignored when `events` is given.
   */
  type?: string;
  /** `message.inbound`: the message kind (`text`, `image`, …). */
  messageType?: string;
  /** `message.status` / `call.status_change`: the status value. */
  status?: string;
  /** `vobiz` only: `meta` (default, the whole Meta object) or `value` (the change value alone). */
  shape?: 'meta' | 'value';
  /** Envelopes to send instead of generated ones: objects (serialized once) or exact bytes. */
  events?: readonly (object | string | Uint8Array)[];
  /** Send the generated set this many times, with fresh event ids. Default 1. */
  repeat?: number;
  /** Follow each delivery with a byte-identical copy, as a Vobiz retry would be. */
  duplicate?: boolean;
  /** Change the body after signing, to check the endpoint rejects it. */
  tamper?: boolean;
  /** Per delivery; Vobiz itself waits only a few seconds. Default 10 000 ms. */
  timeoutMs?: number;
  /** Called after each answer, in order (the CLI prints here). */
  onResult?: (result: DeliveryResult) => void;
}

/** The URL could not be reached, or did not answer in time. Carries the answers received before. */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    message: string,
    readonly results: DeliveryResult[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Every status value Meta sends for a message (`played` is for voice messages). */
export const messageStatuses = ['sent', 'delivered', 'read', 'failed', 'played'] as const;
/** The call events Vobiz documents (more may come; any `call.<event>` can be sent). */
export const callEventTypes = ['call.connect', 'call.status_change', 'call.terminate'] as const;
/** The statuses Vobiz's earlier envelope has an event for (`message.sent`, …). */
export const legacyStatuses = ['sent', 'delivered', 'read', 'failed'] as const;
/** The events of Vobiz's earlier envelope beside messages and statuses, which keep their names. */
export const legacyEventTypes = ['contact.updated', 'campaign.completed'] as const;

interface Spec extends TestEventOptions {
  type: string;
}

/** What `--type all` sends: one of every event type, message kind and status the source sends. */
export function allEventSpecs(source: EventSource = 'vobiz'): Spec[] {
  const legacy = source === 'vobiz-legacy';
  return [
    ...testMessageKinds.map((messageType): Spec => ({ type: 'message.inbound', messageType })),
    ...(legacy ? legacyStatuses : messageStatuses).map((status): Spec => ({ type: 'message.status', status })),
    ...(legacy ? legacyEventTypes : callEventTypes).map((type): Spec => ({ type })),
  ];
}

/** What a delivery is, in the names its source uses: the earlier envelope's own event names. */
function labelOf(spec: Spec, source: EventSource): string {
  if (source === 'vobiz-legacy') {
    const name = legacyEventName(spec.type, spec.status);
    return name === 'message.received' ? `${name} (${spec.messageType ?? 'text'})` : name;
  }
  if (spec.type === 'message.inbound') return `message.inbound (${spec.messageType ?? 'text'})`;
  if (spec.type === 'message.status') return `message.status (${spec.status ?? 'delivered'})`;
  return spec.status !== undefined ? `${spec.type} (${spec.status})` : spec.type;
}

const textOf = (body: string | Uint8Array): string =>
  typeof body === 'string' ? body : new TextDecoder().decode(body);

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : undefined);
const stringOr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

interface BodyFields {
  eventType: string | undefined;
  eventId: string | undefined;
  /** For people, when the body has no event type: a Meta object's change field. */
  description: string;
}

/**
 * What a body says it is: Vobiz's `event_type` (the earlier envelope's `event`) and
 * `event_id`. A Meta object has neither: its first item's id stands in for the id.
 */
function bodyFields(body: string | Uint8Array): BodyFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(textOf(body));
  } catch {
    return { eventType: undefined, eventId: undefined, description: '(not JSON)' };
  }
  const change = first(field(first(field(parsed, 'entry')), 'changes'));
  const value = field(change, 'value');
  const item = first(field(value, 'messages')) ?? first(field(value, 'statuses')) ?? first(field(value, 'calls'));
  const eventType = stringOr(field(parsed, 'event_type')) ?? stringOr(field(parsed, 'event'));
  const metaField = stringOr(field(change, 'field'));
  return {
    eventType,
    eventId: stringOr(field(parsed, 'event_id')) ?? stringOr(field(item, 'id')),
    description: eventType ?? (metaField === undefined ? '(no event_type)' : `Meta ${metaField} change`),
  };
}

/**
 * A Meta body's messages, statuses and calls with ids of their own. Meta's receiver dedupes
 * on them (packages/core/src/formats/meta.ts), and the test fixtures number them from 1 in
 * every process (packages/core/src/testing/fixtures.ts): without this a second `send`, or
 * `--repeat`, would be answered as a duplicate.
 */
function withFreshItemIds(body: object): object {
  const entries = field(body, 'entry');
  for (const entry of Array.isArray(entries) ? entries : []) {
    const changes = field(entry, 'changes');
    for (const change of Array.isArray(changes) ? changes : []) {
      const value = field(change, 'value');
      const items = ['messages', 'statuses', 'calls'].flatMap((array) => field(value, array) ?? []) as unknown[];
      for (const item of items) {
        const id = stringOr(field(item, 'id'));
        if (id === undefined) continue;
        const random = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(18))).toString('base64');
        (item as Record<string, unknown>)['id'] = `${id.split('.')[0] as string}.${random}`;
      }
    }
  }
  return body;
}

/** Alters the signed body the way an attacker or a rewriting proxy would: same shape, other content. */
function tamperWith(body: string | Uint8Array): string {
  const text = textOf(body);
  const altered = text.replace(/"(account_id|channel_id|phone_number_id)"\s*:\s*"([^"]*)"/, '"$1":"$2X"');
  return altered !== text ? altered : `${text} `;
}

/** Header names as each sender writes them; HTTP itself does not care about case. */
const HEADER_NAMES: Readonly<Record<string, string>> = {
  'content-type': 'Content-Type',
  'x-webhook-signature': 'X-Webhook-Signature',
  'x-webhook-event': 'X-Webhook-Event',
  'x-vobiz-signature': 'X-Vobiz-Signature',
  'x-hub-signature-256': 'X-Hub-Signature-256',
};

function sign(
  input: object | string | Uint8Array,
  secret: string,
  label: string | undefined,
  signing: SignOptions,
): Delivery {
  const signed = signedRequest(input as object, secret, signing);
  const { description, ...fields } = bodyFields(signed.body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    if (value !== undefined) headers[HEADER_NAMES[name] ?? name] = value;
  }
  return { label: label ?? description, ...fields, body: signed.body, headers };
}

/** Builds and signs the deliveries `sendDeliveries` would send, in order, without sending them. */
export function planDeliveries(options: Omit<SendOptions, 'url' | 'onResult' | 'timeoutMs'>): Delivery[] {
  const {
    secret,
    source,
    encoding,
    prefix,
    type = 'message.inbound',
    messageType,
    status,
    shape,
    events,
    repeat = 1,
    duplicate = false,
    tamper = false,
  } = options;
  if (!Number.isInteger(repeat) || repeat < 1) throw new RangeError('repeat must be a whole number ≥ 1.');
  // Without a source, a given body is signed as its shape says (signedRequest), a generated one as Vobiz's.
  const signing: SignOptions = {
    ...(source === undefined ? {} : { format: source }),
    ...(encoding === undefined ? {} : { encoding }),
    ...(prefix === undefined ? {} : { prefix }),
  };
  const format = source ?? 'vobiz';
  const generate = (spec: Spec): Delivery => {
    const body = createTestEvent(spec.type, { ...spec, format, ...(shape ? { shape } : {}) });
    return sign(format === 'meta' ? withFreshItemIds(body) : body, secret, labelOf(spec, format), signing);
  };
  const deliveries: Delivery[] = [];
  for (let round = 0; round < repeat; round++) {
    const batch: Delivery[] = events
      ? events.map((event) => sign(event, secret, undefined, signing))
      : (type === 'all'
          ? allEventSpecs(format)
          : [{ type, ...(messageType ? { messageType } : {}), ...(status ? { status } : {}) }]
        ).map(generate);
    for (const delivery of batch) {
      const sent = tamper
        ? {
            ...delivery,
            body: tamperWith(delivery.body),
            label: `${delivery.label}, tampered`,
            variant: 'tampered' as const,
          }
        : delivery;
      deliveries.push(sent);
      if (duplicate) deliveries.push({ ...sent, label: `${sent.label}, duplicate`, variant: 'duplicate' });
    }
  }
  return deliveries;
}

function unreachable(url: string, error: unknown, timeoutMs: number): string {
  if ((error as { name?: string }).name === 'TimeoutError') {
    return `${url} did not answer within ${timeoutMs} ms (Vobiz itself gives up after a few seconds and retries).`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  const hint =
    code === 'ECONNREFUSED' ? ': is the server running on that port?' : code === 'ENOTFOUND' ? ': unknown host.' : '.';
  return `could not reach ${url} (${code})${hint}`;
}

/** POSTs one delivery and reads the whole answer. */
export async function postDelivery(url: string | URL, delivery: Delivery, timeoutMs = 10_000): Promise<DeliveryResult> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body as string | Uint8Array<ArrayBuffer>,
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'manual',
  });
  const body = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return {
    delivery,
    status: response.status,
    ok: response.status >= 200 && response.status < 300,
    body,
    ...(json === undefined ? {} : { json }),
    durationMs: Math.round(performance.now() - started),
  };
}

// What an HTTP header value may hold (RFC 9110 field-value): visible ASCII, spaces and tabs, and obs-text.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * A delivery whose header would not survive HTTP, said as such: `fetch` refuses it with an
 * error about byte strings, which would read as an unreachable server. X-Webhook-Event
 * repeats the body's `event_type`, so a `--file` body decides it.
 */
function checkHeaders(delivery: Delivery): void {
  for (const [name, value] of Object.entries(delivery.headers)) {
    // Spaces or tabs at either end are stripped by fetch: the header would not repeat the body.
    if (!HEADER_VALUE.test(value) || /^[\t ]|[\t ]$/.test(value)) {
      throw new TypeError(
        `the ${name} header would be '${terminalText(value, 80)}', which an HTTP header cannot carry as it is` +
          `${name.toLowerCase() === 'x-webhook-event' ? " (it repeats the body's event_type)" : ''}.`,
      );
    }
  }
}

/**
 * Sends realistic signed deliveries to a URL, one after the other (so a duplicate
 * follows its original), with the headers their sender sends (Vobiz, Vobiz's earlier
 * envelope, or Meta), and returns every answer.
 * Non-2xx answers are results, not errors; an unreachable URL throws `SendError`.
 * The `vobiz-webhooks send` command and the Express demo both go through here.
 */
export async function sendDeliveries(options: SendOptions): Promise<DeliveryResult[]> {
  const { url, timeoutMs = 10_000, onResult } = options;
  const target = String(url);
  if (!/^https?:\/\//i.test(target))
    throw new TypeError(`the URL must start with http:// or https://, got '${target}'.`);
  const results: DeliveryResult[] = [];
  const deliveries = planDeliveries(options);
  for (const delivery of deliveries) checkHeaders(delivery);
  for (const delivery of deliveries) {
    let result: DeliveryResult;
    try {
      result = await postDelivery(target, delivery, timeoutMs);
    } catch (error) {
      throw new SendError(unreachable(target, error, timeoutMs), results, { cause: error });
    }
    results.push(result);
    onResult?.(result);
  }
  return results;
}
