import { createTestEvent, signedRequest, testMessageKinds, type TestEventOptions } from '@vobiz-webhooks/core/testing';

/** One HTTP delivery, built and signed, not yet sent. */
export interface Delivery {
  /** What it is, for people: `message.inbound (image)`, `duplicate of …`. */
  label: string;
  eventType: string | undefined;
  eventId: string | undefined;
  /** Sent byte for byte. */
  body: string | Uint8Array;
  /** Exactly what Vobiz sends: Content-Type, X-Webhook-Signature, X-Webhook-Event. */
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
  /** The subscription secret the deliveries are signed with. */
  secret: string;
  /**
   * An event type (`message.inbound`, `message.status`, `call.connect`, …, or a future
   * one), or `all`: every event type, every message kind and every status value.
   * Default `message.inbound`. Ignored when `events` is given.
   */
  type?: string;
  /** `message.inbound`: the message kind (`text`, `image`, …). */
  messageType?: string;
  /** `message.status` / `call.status_change`: the status value. */
  status?: string;
  /** `meta` (default, the whole Meta object) or `value` (the change value alone). */
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

interface Spec extends TestEventOptions {
  type: string;
}

/** What `--type all` sends: one of every event type, message kind and status. */
export function allEventSpecs(): Spec[] {
  return [
    ...testMessageKinds.map((messageType): Spec => ({ type: 'message.inbound', messageType })),
    ...messageStatuses.map((status): Spec => ({ type: 'message.status', status })),
    ...callEventTypes.map((type): Spec => ({ type })),
  ];
}

function labelOf(spec: Spec): string {
  if (spec.type === 'message.inbound') return `message.inbound (${spec.messageType ?? 'text'})`;
  if (spec.type === 'message.status') return `message.status (${spec.status ?? 'delivered'})`;
  return spec.status !== undefined ? `${spec.type} (${spec.status})` : spec.type;
}

const textOf = (body: string | Uint8Array): string =>
  typeof body === 'string' ? body : new TextDecoder().decode(body);

function envelopeFields(body: string | Uint8Array): { eventType: string | undefined; eventId: string | undefined } {
  try {
    const parsed = JSON.parse(textOf(body)) as { event_type?: unknown; event_id?: unknown } | null;
    return {
      eventType: typeof parsed?.event_type === 'string' ? parsed.event_type : undefined,
      eventId: typeof parsed?.event_id === 'string' ? parsed.event_id : undefined,
    };
  } catch {
    return { eventType: undefined, eventId: undefined };
  }
}

/** Alters the signed body the way an attacker or a rewriting proxy would: same shape, other content. */
function tamperWith(body: string | Uint8Array): string {
  const text = textOf(body);
  const altered = text.replace(/"account_id"\s*:\s*"([^"]*)"/, '"account_id":"$1X"');
  return altered !== text ? altered : `${text} `;
}

function sign(input: object | string | Uint8Array, secret: string, label: string | undefined): Delivery {
  const signed = signedRequest(input as object, secret);
  const fields = envelopeFields(signed.body);
  // Header names as Vobiz writes them; HTTP itself does not care about case.
  const headers: Record<string, string> = {
    'Content-Type': signed.headers['content-type'],
    'X-Webhook-Signature': signed.headers['x-webhook-signature'],
  };
  if (signed.headers['x-webhook-event'] !== undefined) headers['X-Webhook-Event'] = signed.headers['x-webhook-event'];
  return { label: label ?? fields.eventType ?? '(no event_type)', ...fields, body: signed.body, headers };
}

/** Builds and signs the deliveries `sendDeliveries` would send, in order, without sending them. */
export function planDeliveries(options: Omit<SendOptions, 'url' | 'onResult' | 'timeoutMs'>): Delivery[] {
  const {
    secret,
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
  const deliveries: Delivery[] = [];
  for (let round = 0; round < repeat; round++) {
    const batch: Delivery[] = events
      ? events.map((event) => sign(event, secret, undefined))
      : (type === 'all'
          ? allEventSpecs()
          : [{ type, ...(messageType ? { messageType } : {}), ...(status ? { status } : {}) }]
        ).map((spec) =>
          sign(createTestEvent(spec.type, { ...spec, ...(shape ? { shape } : {}) }), secret, labelOf(spec)),
        );
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

/**
 * Sends realistic signed deliveries to a URL, one after the other (so a duplicate
 * follows its original), with the headers Vobiz sends, and returns every answer.
 * Non-2xx answers are results, not errors; an unreachable URL throws `SendError`.
 * The `vobiz-webhooks send` command and the Express demo both go through here.
 */
export async function sendDeliveries(options: SendOptions): Promise<DeliveryResult[]> {
  const { url, timeoutMs = 10_000, onResult } = options;
  const target = String(url);
  if (!/^https?:\/\//i.test(target))
    throw new TypeError(`the URL must start with http:// or https://, got '${target}'.`);
  const results: DeliveryResult[] = [];
  for (const delivery of planDeliveries(options)) {
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
