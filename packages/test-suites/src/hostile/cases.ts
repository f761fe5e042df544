import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { errorStatus, type VobizEvent, type VobizWebhookErrorCode } from '@vobiz-webhooks/core';
import { createTestEvent, testMessageKinds } from '@vobiz-webhooks/core/testing';

// Hostile deliveries for the fuzz suites: what anyone on the internet can POST to a
// webhook URL, plus signed junk (a valid HMAC over garbage, as a leaked secret or a
// buggy sender would produce). Each case carries what an oracle needs to judge the answer.

export const FUZZ_SECRET = 'whsec_fuzz_7f3a9c1e5b';
export const OTHER_SECRET = 'whsec_someone_else_0000';
export const MAX_BODY_BYTES = 1024 * 1024;

const encoder = new TextEncoder();
const hmacHex = (bytes: Uint8Array, secret: string) => createHmac('sha256', secret).update(bytes).digest('hex');

export interface HostileCase {
  /** Which generator built the body; printed by fast-check when a case fails. */
  kind: string;
  method: string;
  body: Uint8Array;
  /** Lowercase names; an array is a header sent twice. */
  headers: Record<string, string | string[]>;
  /** The signature header is one value equal to the HMAC of `body` under FUZZ_SECRET. */
  verifies: boolean;
  /** Whether the content type passes (`undefined`: absent counts as JSON; `null`: not classified). */
  jsonContentType: boolean | null;
}

// ---------------------------------------------------------------- bodies

const eventTypeArb = fc.constantFrom(
  'message.inbound',
  'message.status',
  'call.connect',
  'call.terminate',
  'call.status_change',
  'order.created', // a type this version does not know: only '*' receives it
);

const validEventArb = fc
  .record({
    type: eventTypeArb,
    messageType: fc.constantFrom(...testMessageKinds, 'brand_new_type'),
    status: fc.constantFrom('sent', 'delivered', 'read', 'failed', 'played', 'brand_new_status'),
    shape: fc.constantFrom('meta' as const, 'value' as const),
  })
  .map(({ type, messageType, status, shape }) => createTestEvent(type, { messageType, status, shape }) as VobizEvent);

/** Values that do not belong where a string, object or array is expected. */
const wrongValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, 0, -1, 1e308, '', [], {}, [[]], { __proto__: null }),
  fc.string({ maxLength: 40 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'id'),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);

/** Every path to a value inside a JSON-like tree. */
function pathsOf(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  if (Array.isArray(value)) value.forEach((item, i) => (out.push([...prefix, i]), pathsOf(item, [...prefix, i], out)));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      pathsOf(item, [...prefix, key], out);
    }
  }
  return out;
}

function replaceAt(root: unknown, path: Array<string | number>, replacement: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

/** A real event with one field anywhere replaced by a wrong type, or deleted. */
const mutatedEventArb = fc
  .tuple(validEventArb, fc.nat(), fc.oneof(wrongValueArb, fc.constant(undefined)))
  .map(([event, pick, replacement]) => {
    const paths = pathsOf(event);
    const path = paths[pick % paths.length] as Array<string | number>;
    return JSON.stringify(replaceAt(event, path, replacement));
  });

/** `__proto__` / `constructor.prototype` keys (and a duplicated key) spliced into real JSON text. */
const protoInjectionArb = fc
  .tuple(
    validEventArb,
    fc.nat(),
    fc.constantFrom(
      '"__proto__":{"polluted":"yes","toString":"boom"},',
      '"constructor":{"prototype":{"polluted":"yes"}},',
      '"__proto__":[],',
      '"__proto__":null,',
      '"prototype":{"polluted":"yes"},',
      '"hasOwnProperty":"nope",',
      '"event_type":"message.inbound",',
      '"payload":{"__proto__":{"isAdmin":true}},',
    ),
  )
  .map(([event, pick, injection]) => {
    const json = JSON.stringify(event);
    const openings = [...json.matchAll(/\{(?=")/g)].map((match) => match.index);
    const at = (openings[pick % openings.length] as number) + 1;
    return json.slice(0, at) + injection + json.slice(at);
  });

const truncatedArb = fc.tuple(validEventArb, fc.nat()).map(([event, cut]) => {
  const json = JSON.stringify(event);
  return json.slice(0, cut % json.length);
});

/** Nesting deep enough to overflow a recursive parser or validator. */
const deepArb = fc
  .record({
    depth: fc.integer({ min: 1_000, max: 60_000 }),
    open: fc.constantFrom('[', '{"a":'),
    closed: fc.boolean(),
    where: fc.constantFrom('root', 'payload', 'message'),
  })
  .map(({ depth, open, closed, where }) => {
    const close = open === '[' ? ']' : '}';
    const nested = open.repeat(depth) + (open === '[' ? '' : '1') + (closed ? close.repeat(depth) : '');
    if (where === 'root') return nested;
    const event = createTestEvent('message.inbound') as VobizEvent;
    const json = JSON.stringify(event);
    if (where === 'payload') return json.replace(/"payload":/, `"payload":{"deep":${nested},"x":`).replace(/}$/, '}}');
    return json.replace(/"text":\{/, `"text":{"deep":${nested},`);
  });

/** Long strings, some over the 1 MiB limit only when counted in bytes (3-byte characters). */
const hugeArb = fc
  .record({ length: fc.integer({ min: 100_000, max: 420_000 }), char: fc.constantFrom('x', '€', '\u0000', '"') })
  .map(({ length, char }) => {
    const event = createTestEvent('message.inbound') as VobizEvent;
    const filler = JSON.stringify(char.repeat(length));
    return JSON.stringify(event).replace(/"body":"[^"]*"/, `"body":${filler}`);
  });

const bomArb = fc
  .tuple(validEventArb, fc.constantFrom('utf8-bom', 'utf16le', 'utf16le-bom', 'nul-suffix', 'trailing-junk'))
  .map(([event, variant]): Uint8Array => {
    const json = JSON.stringify(event);
    switch (variant) {
      case 'utf8-bom':
        return encoder.encode(`\uFEFF${json}`);
      case 'utf16le':
        return Buffer.from(json, 'utf16le');
      case 'utf16le-bom':
        return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]);
      case 'nul-suffix':
        return encoder.encode(`${json}\u0000`);
      default:
        return encoder.encode(`${json}}{"event_id":"second"}`);
    }
  });

/** Replays and clock skew: events from outside the accepted window, or with odd timestamps. */
const staleArb = fc
  .tuple(
    validEventArb,
    fc.oneof(
      fc.integer({ min: 49 * 3_600_000, max: 3_650 * 86_400_000 }).map((ms) => new Date(Date.now() - ms).toISOString()),
      fc.integer({ min: 6 * 60_000, max: 86_400_000 }).map((ms) => new Date(Date.now() + ms).toISOString()),
      fc.constantFrom('1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T10:00:00Z', 'yesterday', '', '0'),
    ),
  )
  .map(([event, occurredAt]) => JSON.stringify({ ...event, occurred_at: occurredAt }));

const asBytes = (kind: string) => (text: string) => ({ kind, bytes: encoder.encode(text) });

export const hostileBodyArb: fc.Arbitrary<{ kind: string; bytes: Uint8Array }> = fc.oneof(
  { weight: 4, arbitrary: validEventArb.map((event) => JSON.stringify(event)).map(asBytes('valid-event')) },
  { weight: 5, arbitrary: mutatedEventArb.map(asBytes('wrong-type-field')) },
  { weight: 3, arbitrary: protoInjectionArb.map(asBytes('proto-keys')) },
  { weight: 2, arbitrary: truncatedArb.map(asBytes('truncated-json')) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ kind: 'random-bytes', bytes })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }).map(asBytes('random-text')) },
  {
    weight: 2,
    arbitrary: fc
      .jsonValue({ maxDepth: 4 })
      .map((value) => JSON.stringify(value) ?? 'null')
      .map(asBytes('random-json')),
  },
  { weight: 1, arbitrary: fc.constant('').map(asBytes('empty')) },
  { weight: 1, arbitrary: deepArb.map(asBytes('deep-nesting')) },
  { weight: 1, arbitrary: hugeArb.map(asBytes('huge-string')) },
  { weight: 1, arbitrary: staleArb.map(asBytes('stale-or-odd-time')) },
  { weight: 1, arbitrary: bomArb.map((bytes) => ({ kind: 'bom-or-encoding', bytes })) },
);

// ---------------------------------------------------------------- headers

type SignatureMode =
  | 'valid'
  | 'valid-uppercase'
  | 'missing'
  | 'empty'
  | 'forged'
  | 'other-secret'
  | 'truncated'
  | 'prefixed'
  | 'twice-valid'
  | 'forged-then-valid'
  | 'garbage'
  | 'absurdly-long';

const signatureModeArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant<SignatureMode>('valid') },
  {
    weight: 11,
    arbitrary: fc.constantFrom<SignatureMode>(
      'valid-uppercase',
      'missing',
      'empty',
      'forged',
      'other-secret',
      'truncated',
      'prefixed',
      'twice-valid',
      'forged-then-valid',
      'garbage',
      'absurdly-long',
    ),
  },
);

function signatureHeader(mode: SignatureMode, body: Uint8Array, noise: string): string | string[] | undefined {
  const valid = hmacHex(body, FUZZ_SECRET);
  const forged = hmacHex(encoder.encode(noise), 'not-the-secret');
  switch (mode) {
    case 'valid':
      return valid;
    case 'valid-uppercase':
      return valid.toUpperCase();
    case 'missing':
      return undefined;
    case 'empty':
      return '';
    case 'forged':
      return forged;
    case 'other-secret':
      return hmacHex(body, OTHER_SECRET);
    case 'truncated':
      return valid.slice(0, 63);
    case 'prefixed':
      return `sha256=${valid}`;
    case 'twice-valid':
      return [valid, valid];
    case 'forged-then-valid':
      return [forged, valid];
    case 'garbage':
      return noise;
    case 'absurdly-long':
      return valid.repeat(2_000);
  }
}

/** Content types with what the pipeline must decide for them (`null`: not classified here). */
type ContentTypeCase = { value: string | string[] | undefined; json: boolean | null };
const contentTypeArb: fc.Arbitrary<ContentTypeCase> = fc.oneof(
  { weight: 24, arbitrary: fc.constant<ContentTypeCase>({ value: 'application/json', json: true }) },
  {
    weight: 6,
    arbitrary: fc.constantFrom<ContentTypeCase>(
      { value: undefined, json: true },
      { value: 'application/json; charset=utf-8', json: true },
      { value: 'APPLICATION/JSON', json: true },
      { value: 'application/vnd.vobiz+json', json: true },
      { value: 'text/plain', json: false },
      { value: 'text/json', json: false },
      { value: 'application/x-www-form-urlencoded', json: false },
      { value: 'multipart/form-data; boundary=----x', json: false },
      { value: 'application/jsonp', json: false },
      { value: 'application/xml', json: false },
      { value: '', json: false },
      { value: ['application/json', 'text/plain'], json: null },
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((value): ContentTypeCase => ({ value, json: null })) },
);

const methodArb = fc.oneof(
  { weight: 20, arbitrary: fc.constant('POST') },
  { weight: 3, arbitrary: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'post') },
);

/**
 * What an HTTP client can put in a header at all: Node's client and `Headers` refuse
 * CR, LF, NUL and characters past U+00FF, and the server trims surrounding whitespace.
 */
const headerSafe = (value: string): string => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?').trim();

export interface HostileCaseOptions {
  /** HTTP adapters: only one value per header, no hand-set Content-Length, standard methods. */
  http?: boolean;
}

export function hostileCaseArb({ http = false }: HostileCaseOptions = {}): fc.Arbitrary<HostileCase> {
  return fc
    .record({
      body: hostileBodyArb,
      signature: signatureModeArb,
      noise: fc.string({ maxLength: 80 }),
      contentType: contentTypeArb,
      method: methodArb,
      eventHeader: fc.oneof(
        { weight: 6, arbitrary: fc.constant('match') },
        { weight: 2, arbitrary: fc.constant('absent') },
        { weight: 1, arbitrary: fc.constantFrom('message.inbound', 'call.*', '*', '__proto__', 'MESSAGE.INBOUND') },
      ),
      contentLength: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('exact', '99999999999', '-1', 'abc', '0', '1e9') },
      ),
    })
    .map(({ body, signature, noise, contentType, method, eventHeader, contentLength }) => {
      const headers: Record<string, string | string[]> = {};
      let sig = signatureHeader(signature, body.bytes, noise);
      if (http && typeof sig === 'string') sig = headerSafe(sig);
      if (sig !== undefined) headers['x-webhook-signature'] = http && Array.isArray(sig) ? sig.join(', ') : sig;
      let ct = contentType.value;
      if (http && Array.isArray(ct)) ct = ct[0];
      if (ct !== undefined) headers['content-type'] = ct;
      if (eventHeader === 'match') {
        const type = /"event_type":"([^"]*)"/.exec(new TextDecoder().decode(body.bytes.subarray(0, 200)))?.[1];
        if (type !== undefined) headers['x-webhook-event'] = type;
      } else if (eventHeader !== 'absent') headers['x-webhook-event'] = eventHeader;
      if (http && typeof ct === 'string') headers['content-type'] = headerSafe(ct);
      if (!http && contentLength !== undefined) {
        headers['content-length'] = contentLength === 'exact' ? String(body.bytes.byteLength) : contentLength;
      }
      const hostileCase: HostileCase & { [fc.toStringMethod](): string } = {
        kind: `${body.kind}/${signature}`,
        method: http && method === 'post' ? 'POST' : method,
        body: body.bytes,
        headers,
        verifies: typeof sig === 'string' && sig.toLowerCase() === hmacHex(body.bytes, FUZZ_SECRET),
        jsonContentType: http && Array.isArray(contentType.value) ? true : contentType.json,
        // fast-check prints counterexamples with this: a 1 MiB body as a byte list helps nobody.
        [fc.toStringMethod]() {
          const text = Buffer.from(this.body).toString('utf8');
          const preview =
            text.length > 300 ? `${text.slice(0, 150)}…(${this.body.byteLength} bytes)…${text.slice(-100)}` : text;
          return JSON.stringify({
            kind: this.kind,
            method: this.method,
            headers: abbreviate(this.headers),
            body: preview,
          });
        },
      };
      return hostileCase;
    });
}

const abbreviate = (headers: HostileCase['headers']) =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      [value].flat().map((v) => (v.length > 100 ? `${v.slice(0, 100)}…` : v)),
    ]),
  );

// ---------------------------------------------------------------- oracle

export interface Outcome {
  status: number;
  /** `error.code` from the JSON body, when there is one. */
  code: string | undefined;
  /** Events the handlers received for this one delivery. */
  handled: readonly VobizEvent[];
  /**
   * The answer was `{ ok: true, duplicate: true }`. Only happens when fast-check replays
   * a body while shrinking a failure; without this the shrunk report would be misleading.
   */
  duplicate?: boolean;
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/** Throws (with the case's kind) when an answer breaks a promise of the library. */
export function checkOutcome(hostile: HostileCase, outcome: Outcome): void {
  const { status, code, handled } = outcome;
  const where = `${hostile.kind} ${hostile.method} → ${status} ${code ?? ''}`;
  const fail = (why: string): never => {
    throw new Error(`${why} (${where})`);
  };

  // Nothing here is a handler failure or an unreachable store: no 5xx is acceptable.
  if (status >= 500) fail('answered 5xx to a hostile delivery');
  if (status === 431) {
    // Node's HTTP server refuses headers over --max-http-header-size (16 KiB) before any middleware runs.
    const headerBytes = Object.entries(hostile.headers).reduce(
      (sum, [name, value]) => sum + name.length + [value].flat().join().length,
      0,
    );
    if (headerBytes <= 16 * 1024 || handled.length > 0) fail('431 for headers under the 16 KiB default');
    return;
  }
  if (status === 200) {
    if (code !== undefined) fail('200 with an error code');
  } else {
    if (code === undefined || !(code in errorStatus)) fail('a refusal without a listed error.code');
    if (errorStatus[code as VobizWebhookErrorCode] !== status) fail(`status does not match errorStatus[${code}]`);
  }

  // The core promise: a handler only ever sees a delivery whose signature verifies.
  if (handled.length > 0 && !hostile.verifies) fail('a handler ran for a delivery whose signature does not verify');
  if (handled.length > 1) fail('a handler ran more than once for one delivery');
  if (status === 200 && handled.length === 0 && outcome.duplicate !== true) fail("200 without running the '*' handler");
  if (status !== 200 && handled.length > 0) fail('a handler ran but the delivery was refused');

  const declared = Number(hostile.headers['content-length']);
  const oversize = hostile.body.byteLength > MAX_BODY_BYTES || declared > MAX_BODY_BYTES;
  if (hostile.method.toUpperCase() !== 'POST') {
    if (code !== 'method_not_allowed') fail('a non-POST method was not answered 405');
  } else if (hostile.jsonContentType === false) {
    if (code !== 'unsupported_media_type') fail('a non-JSON content type was not answered 415');
  } else if (hostile.jsonContentType === true) {
    if (oversize) {
      if (code !== 'payload_too_large') fail('an oversized body was not answered 413');
    } else if (!hostile.verifies) {
      if (code !== 'missing_signature' && code !== 'invalid_signature')
        fail('an unverified delivery was not answered 401');
    } else if (
      status !== 200 &&
      !['invalid_json', 'invalid_envelope', 'event_type_mismatch', 'stale_event'].includes(code as string)
    ) {
      fail('signed junk was not answered 200 or a 400 code');
    }
  }

  for (const event of handled) checkTypedEvent(event, fail);
  const keys = Object.getOwnPropertyNames(Object.prototype).sort();
  if (keys.join() !== PROTOTYPE_KEYS.join() || ({} as Record<string, unknown>).polluted !== undefined) {
    fail(`Object.prototype was polluted: ${keys.filter((key) => !PROTOTYPE_KEYS.includes(key)).join(', ')}`);
  }
}

/** What the handler's types promise must hold for whatever got through. */
function checkTypedEvent(event: VobizEvent, fail: (why: string) => never): void {
  for (const field of ['event_id', 'event_type', 'account_id', 'occurred_at'] as const) {
    if (typeof event[field] !== 'string') fail(`handler got a non-string ${field}`);
  }
  if (typeof event.payload !== 'object' || event.payload === null || Array.isArray(event.payload))
    fail('handler got a non-object payload');
  if (Object.getPrototypeOf(event) !== Object.prototype || Object.getPrototypeOf(event.payload) !== Object.prototype) {
    fail("an event's prototype was replaced through __proto__");
  }
}

/** The `error.code` of a JSON error body, tolerant of any body. */
export function errorCodeOf(body: unknown): string | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const code = (value as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}
