import {
  memoryDedupeStore,
  messagesOf,
  statusesOf,
  type DedupeStore,
  type VobizEvent,
  type InlineOptions,
  type SharedOptions,
} from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import type { DeliveryRequest, DeliveryResponse, MakeTarget, Target } from './target';

/*
 * The behaviour every adapter owes its users, written once (docs/architecture.md, "Answers" and "Dedupe") and run
 * against each adapter through its `MakeTarget`. Every test builds its own target, so
 * no test depends on another's dedupe memory or handlers. Adapter-specific behaviour
 * (raw_body_unavailable, mounting) lives in each adapter's own tests.
 */

export const SECRET = 'whsec_conformance_9f3b2a71';
export const OTHER_SECRET = 'whsec_someone_else_00000000';
const HOUR = 60 * 60 * 1000;

/** A signed POST of an event (or exact raw bytes), as Vobiz sends it. */
export function delivery(input: object | string | Uint8Array, secret = SECRET): DeliveryRequest {
  const signed =
    typeof input === 'string' || input instanceof Uint8Array
      ? signedRequest(input, secret)
      : signedRequest(input, secret);
  return { method: 'POST', headers: { ...signed.headers }, body: signed.body };
}

export const withHeaders = (request: DeliveryRequest, headers: Record<string, string | undefined>): DeliveryRequest => {
  const merged: Record<string, string> = { ...request.headers };
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return { ...request, headers: merged };
};

/** Asserts the refusal shape (docs/architecture.md, "Answers"): status, code, and a non-empty operator message. */
export function expectRefusal(response: DeliveryResponse, status: number, code: string): void {
  expect({ status: response.status, body: response.body }).toEqual({
    status,
    body: { ok: false, error: { code, message: expect.any(String) } },
  });
  expect(response.body.error.message.length).toBeGreaterThan(10);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
}

export function expectOk(response: DeliveryResponse, duplicate = false): void {
  expect({ status: response.status, body: response.body }).toEqual({
    status: 200,
    body: duplicate ? { ok: true, duplicate: true } : { ok: true },
  });
}

/** A promise with its resolver, to hold a handler open while a test sends more copies. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A dedupe store that records every call, on top of the real in-memory one. */
function recordingStore(overrides: Partial<DedupeStore> = {}): DedupeStore & { calls: string[] } {
  const inner = memoryDedupeStore();
  const calls: string[] = [];
  return {
    calls,
    claim: (key, leaseMs, token) => (calls.push(`claim ${key}`), (overrides.claim ?? inner.claim)(key, leaseMs, token)),
    complete: (key, ttlMs, token) => (
      calls.push(`complete ${key}`),
      (overrides.complete ?? inner.complete)(key, ttlMs, token)
    ),
    release: (key, token) => (calls.push(`release ${key}`), (overrides.release ?? inner.release)(key, token)),
  };
}

/** One refusal of the answers table: the situation, its answer, and the delivery that causes it. */
export interface RefusalCase {
  situation: string;
  status: number;
  code: string;
  options?: Partial<SharedOptions>;
  request: () => DeliveryRequest;
}

/**
 * Every refusal decided before the handlers (or the enqueue) run: the same in inline and
 * in queue mode, so both suites run this one table.
 */
export const refusalsBeforeHandling: readonly RefusalCase[] = [
  {
    situation: 'the signature header is missing',
    status: 401,
    code: 'missing_signature',
    request: () => withHeaders(delivery(createTestEvent('message.inbound')), { 'x-webhook-signature': undefined }),
  },
  {
    situation: 'the signature header is empty',
    status: 401,
    code: 'missing_signature',
    request: () => withHeaders(delivery(createTestEvent('message.inbound')), { 'x-webhook-signature': '' }),
  },
  {
    situation: 'the body was signed with another secret',
    status: 401,
    code: 'invalid_signature',
    request: () => delivery(createTestEvent('message.inbound'), OTHER_SECRET),
  },
  {
    situation: 'the signature is malformed (not 64 hex digits)',
    status: 401,
    code: 'invalid_signature',
    request: () => withHeaders(delivery(createTestEvent('message.inbound')), { 'x-webhook-signature': 'sha256=zz' }),
  },
  {
    situation: 'the body was tampered with after signing',
    status: 401,
    code: 'invalid_signature',
    request: () => {
      const signed = delivery(createTestEvent('message.inbound', { account_id: 'MA_ORIGINAL' }));
      return { ...signed, body: String(signed.body).replace('MA_ORIGINAL', 'MA_ATTACKER') };
    },
  },
  {
    situation: 'the body is larger than maxBodyBytes',
    status: 413,
    code: 'payload_too_large',
    options: { maxBodyBytes: 512 },
    request: () => delivery(createTestEvent('message.inbound', { messageType: 'order' })),
  },
  {
    situation: 'the content type is not JSON',
    status: 415,
    code: 'unsupported_media_type',
    request: () => withHeaders(delivery(createTestEvent('message.inbound')), { 'content-type': 'text/plain' }),
  },
  {
    situation: 'the content type is a form',
    status: 415,
    code: 'unsupported_media_type',
    request: () =>
      withHeaders(delivery(createTestEvent('message.inbound')), {
        'content-type': 'application/x-www-form-urlencoded',
      }),
  },
  {
    situation: 'the body is not JSON (but correctly signed)',
    status: 400,
    code: 'invalid_json',
    request: () => delivery('{"event_id": "a", oops'),
  },
  {
    situation: 'the envelope misses event_id',
    status: 400,
    code: 'invalid_envelope',
    request: () => {
      const { event_id: _omitted, ...rest } = createTestEvent('message.inbound');
      return delivery(rest);
    },
  },
  {
    situation: 'occurred_at is not a timestamp',
    status: 400,
    code: 'invalid_envelope',
    request: () => delivery({ ...createTestEvent('message.status'), occurred_at: 'yesterday' }),
  },
  {
    situation: 'the payload is not a JSON object',
    status: 400,
    code: 'invalid_envelope',
    request: () => delivery({ ...createTestEvent('message.inbound'), payload: 'nope' }),
  },
  {
    situation: 'the body is a JSON array, not an envelope',
    status: 400,
    code: 'invalid_envelope',
    request: () => delivery('[1,2,3]'),
  },
  {
    situation: 'X-Webhook-Event differs from event_type',
    status: 400,
    code: 'event_type_mismatch',
    request: () => withHeaders(delivery(createTestEvent('message.status')), { 'x-webhook-event': 'message.inbound' }),
  },
  {
    situation: 'occurred_at is older than maxEventAgeMs (48 h by default)',
    status: 400,
    code: 'stale_event',
    request: () =>
      delivery(createTestEvent('message.inbound', { occurred_at: new Date(Date.now() - 49 * HOUR).toISOString() })),
  },
  {
    situation: 'occurred_at is older than a custom maxEventAgeMs',
    status: 400,
    code: 'stale_event',
    options: { maxEventAgeMs: HOUR },
    request: () =>
      delivery(createTestEvent('message.inbound', { occurred_at: new Date(Date.now() - 2 * HOUR).toISOString() })),
  },
  {
    situation: 'occurred_at is more than 5 minutes in the future',
    status: 400,
    code: 'stale_event',
    request: () =>
      delivery(createTestEvent('message.inbound', { occurred_at: new Date(Date.now() + 10 * 60_000).toISOString() })),
  },
  {
    situation: 'dedupeKey throws',
    status: 500,
    code: 'internal_error',
    options: {
      dedupeKey: () => {
        throw new Error('no wamid');
      },
    },
    request: () => delivery(createTestEvent('message.inbound')),
  },
  {
    situation: 'dedupeKey returns an empty string',
    status: 500,
    code: 'internal_error',
    options: { dedupeKey: () => '' },
    request: () => delivery(createTestEvent('message.inbound')),
  },
  {
    situation: 'dedupeKey returns something other than a string',
    status: 500,
    code: 'internal_error',
    options: { dedupeKey: (() => 42) as unknown as () => string },
    request: () => delivery(createTestEvent('message.inbound')),
  },
  {
    situation: "the dedupe store's claim rejects",
    status: 503,
    code: 'store_unavailable',
    options: {
      dedupe: recordingStore({ claim: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) }),
    },
    request: () => delivery(createTestEvent('message.inbound')),
  },
];

export function describeConformance(name: string, makeTarget: MakeTarget): void {
  describe(`${name}: conformance`, () => {
    jest.setTimeout(30_000);
    let open: Target[] = [];

    /** A fresh target; the test's options win over the quiet defaults. */
    async function target(options: Partial<InlineOptions> = {}): Promise<Target> {
      const made = await makeTarget({ secret: SECRET, logger: false, on: {}, ...options });
      open.push(made);
      return made;
    }

    /** A target whose handlers record each event they see, by handler key. */
    async function recordingTarget(options: Partial<InlineOptions> = {}) {
      const seen: Array<{ key: string; event: VobizEvent }> = [];
      const record = (key: string) => (event: VobizEvent) => {
        seen.push({ key, event });
      };
      const t = await target({
        on: {
          'message.inbound': record('message.inbound'),
          'message.status': record('message.status'),
          'call.*': record('call.*'),
          '*': record('*'),
        },
        ...options,
      });
      return { target: t, seen, keys: () => seen.map((entry) => entry.key) };
    }

    afterEach(async () => {
      const closing = open;
      open = [];
      await Promise.all(closing.map((t) => t.close?.()));
    });

    describe('the status table', () => {
      it('200 {ok:true} for a handled event, and the handler sees the event as sent', async () => {
        const { target: t, seen } = await recordingTarget();
        const event = createTestEvent('message.inbound');
        expectOk(await t.send(delivery(event)));
        expect(seen.map((entry) => entry.key)).toEqual(['message.inbound', '*']);
        expect(seen[0]?.event).toEqual(JSON.parse(JSON.stringify(event)));
      });

      it('200 {ok:true} for an event no handler matches, without touching the dedupe store', async () => {
        const store = recordingStore();
        const t = await target({ on: { 'message.inbound': () => undefined }, dedupe: store });
        expectOk(await t.send(delivery(createTestEvent('message.status'))));
        expect(store.calls).toEqual([]);
      });

      it('200 {ok:true} without an X-Webhook-Event header (the body decides)', async () => {
        const { target: t, keys } = await recordingTarget();
        const request = withHeaders(delivery(createTestEvent('message.status')), { 'x-webhook-event': undefined });
        expectOk(await t.send(request));
        expect(keys()).toEqual(['message.status', '*']);
      });

      it('200 {ok:true,duplicate:true} for a duplicate of a completed event, with no second handler call', async () => {
        let calls = 0;
        const t = await target({ on: { 'message.inbound': () => void calls++ } });
        const event = createTestEvent('message.inbound');
        expectOk(await t.send(delivery(event)));
        expectOk(await t.send(delivery(event)), true);
        expectOk(await t.send(delivery(event)), true);
        expect(calls).toBe(1);
      });

      it('409 in_progress with Retry-After while the same event is still being handled, then the duplicate 200', async () => {
        const started = gate();
        const release = gate();
        let calls = 0;
        const t = await target({
          on: {
            'message.inbound': async () => {
              calls++;
              started.open();
              await release.promise;
            },
          },
        });
        const event = createTestEvent('message.inbound');
        const first = t.send(delivery(event));
        await started.promise;
        const second = await t.send(delivery(event));
        expectRefusal(second, 409, 'in_progress');
        expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
        release.open();
        expectOk(await first);
        expectOk(await t.send(delivery(event)), true);
        expect(calls).toBe(1);
      });

      const refusals: Array<Omit<RefusalCase, 'options'> & { options?: Partial<InlineOptions> }> = [
        ...refusalsBeforeHandling,
        {
          situation: 'a handler throws',
          status: 500,
          code: 'handler_failed',
          options: {
            on: {
              'message.inbound': () => {
                throw new Error('database down');
              },
            },
          },
          request: () => delivery(createTestEvent('message.inbound')),
        },
        {
          situation: 'a handler rejects',
          status: 500,
          code: 'handler_failed',
          options: { on: { '*': async () => Promise.reject(new Error('queue full')) } },
          request: () => delivery(createTestEvent('call.connect')),
        },
      ];

      it.each(refusals)('$status $code when $situation', async ({ status, code, options, request }) => {
        const handled: string[] = [];
        const userOn = options?.on;
        // Wrap the row's handlers (or install a recorder) to see whether any handler ran.
        const on = Object.fromEntries(
          Object.entries(userOn ?? { '*': () => undefined }).map(([key, handler]) => [
            key,
            (event: VobizEvent) => {
              handled.push(key);
              return (handler as (event: VobizEvent) => unknown)(event);
            },
          ]),
        );
        const t = await target({ ...options, on });
        const response = await t.send(request());
        expectRefusal(response, status, code);
        if (status !== 500) expect(handled).toEqual([]);
        if (status === 409 || status === 503) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      });

      it('405 method_not_allowed with Allow: POST for GET, PUT and DELETE on the webhook path', async () => {
        const { target: t, seen } = await recordingTarget();
        for (const method of ['GET', 'PUT', 'DELETE']) {
          const request = method === 'GET' ? { method } : { ...delivery(createTestEvent('message.inbound')), method };
          const response = await t.send(request);
          expectRefusal(response, 405, 'method_not_allowed');
          expect(response.headers.allow).toBe('POST');
        }
        expect(seen).toEqual([]);
      });

      it('503 store_unavailable runs no handler, and the redelivery is handled once the store is back', async () => {
        let storeDown = true;
        const inner = memoryDedupeStore();
        const calls: string[] = [];
        const store: DedupeStore = {
          claim: (key, leaseMs, token) =>
            storeDown ? Promise.reject(new Error('ETIMEDOUT')) : inner.claim(key, leaseMs, token),
          complete: (key, ttlMs, token) => inner.complete(key, ttlMs, token),
          release: (key, token) => inner.release(key, token),
        };
        const t = await target({
          dedupe: store,
          on: { 'message.inbound': (event) => void calls.push(event.event_id) },
        });
        const event = createTestEvent('message.inbound');
        expectRefusal(await t.send(delivery(event)), 503, 'store_unavailable');
        expect(calls).toEqual([]);
        storeDown = false;
        expectOk(await t.send(delivery(event)));
        expect(calls).toEqual([event.event_id]);
      });
    });

    describe('pipeline order: nothing untrusted is parsed before the signature holds', () => {
      const notJson = '{"event_type": "message.inbound", <html>';

      it('a bad signature over invalid JSON is 401 invalid_signature, not 400', async () => {
        const t = await target();
        const request = { ...delivery(notJson, OTHER_SECRET) };
        expectRefusal(await t.send(request), 401, 'invalid_signature');
      });

      it('a missing signature over invalid JSON is 401 missing_signature', async () => {
        const t = await target();
        expectRefusal(
          await t.send(withHeaders(delivery(notJson), { 'x-webhook-signature': undefined })),
          401,
          'missing_signature',
        );
      });

      it('a bad signature over an invalid envelope is 401, not 400', async () => {
        const t = await target();
        expectRefusal(await t.send(delivery({ hello: 'world' }, OTHER_SECRET)), 401, 'invalid_signature');
      });

      it('a bad signature with a mismatched X-Webhook-Event is 401, not 400', async () => {
        const t = await target();
        const request = withHeaders(delivery(createTestEvent('message.inbound'), OTHER_SECRET), {
          'x-webhook-event': 'call.connect',
        });
        expectRefusal(await t.send(request), 401, 'invalid_signature');
      });

      it('413 comes before the signature: an oversized unsigned body is 413', async () => {
        const t = await target({ maxBodyBytes: 256 });
        const body = JSON.stringify({ padding: 'x'.repeat(2_000) });
        expectRefusal(
          await t.send({ method: 'POST', headers: { 'content-type': 'application/json' }, body }),
          413,
          'payload_too_large',
        );
      });

      it('415 comes before the signature and the size limit', async () => {
        const t = await target({ maxBodyBytes: 256 });
        const body = 'x'.repeat(2_000);
        expectRefusal(
          await t.send({ method: 'POST', headers: { 'content-type': 'text/plain' }, body }),
          415,
          'unsupported_media_type',
        );
      });

      it('405 comes before everything else', async () => {
        const t = await target({ maxBodyBytes: 256 });
        const response = await t.send({
          method: 'PUT',
          headers: { 'content-type': 'text/plain' },
          body: 'x'.repeat(2_000),
        });
        expectRefusal(response, 405, 'method_not_allowed');
      });

      it('the schema comes before the event-type header check', async () => {
        const t = await target();
        const { account_id: _omitted, ...broken } = createTestEvent('message.inbound');
        const request = withHeaders(delivery(broken), { 'x-webhook-event': 'message.status' });
        expectRefusal(await t.send(request), 400, 'invalid_envelope');
      });

      it('the event-type header check comes before the age check', async () => {
        const t = await target();
        const stale = createTestEvent('message.inbound', { occurred_at: '2020-01-01T00:00:00Z' });
        const request = withHeaders(delivery(stale), { 'x-webhook-event': 'message.status' });
        expectRefusal(await t.send(request), 400, 'event_type_mismatch');
      });

      it('a stale event never reaches the dedupe store or a handler', async () => {
        const store = recordingStore();
        const { target: t, seen } = await recordingTarget({ dedupe: store });
        const stale = createTestEvent('message.inbound', { occurred_at: '2020-01-01T00:00:00Z' });
        expectRefusal(await t.send(delivery(stale)), 400, 'stale_event');
        expect(store.calls).toEqual([]);
        expect(seen).toEqual([]);
      });

      it('claims before the handlers run and completes after they succeed', async () => {
        const store = recordingStore();
        const order: string[] = [];
        const t = await target({
          dedupe: store,
          on: { 'message.inbound': () => void order.push(`handler after ${store.calls.join(', ')}`) },
        });
        const event = createTestEvent('message.inbound');
        expectOk(await t.send(delivery(event)));
        expect(order).toEqual([`handler after claim ${event.event_id}`]);
        expect(store.calls).toEqual([`claim ${event.event_id}`, `complete ${event.event_id}`]);
      });

      it('maxEventAgeMs: false accepts an old event', async () => {
        const { target: t, keys } = await recordingTarget({ maxEventAgeMs: false });
        expectOk(await t.send(delivery(createTestEvent('message.inbound', { occurred_at: '2020-01-01T00:00:00Z' }))));
        expect(keys()).toEqual(['message.inbound', '*']);
      });

      it('an event slightly in the future (clock skew under 5 minutes) is accepted', async () => {
        const { target: t } = await recordingTarget();
        const soon = createTestEvent('message.inbound', { occurred_at: new Date(Date.now() + 60_000).toISOString() });
        expectOk(await t.send(delivery(soon)));
      });
    });

    describe('payloads', () => {
      it('accepts a signed body that starts with a UTF-8 byte order mark, on every runtime alike', async () => {
        const { target: t, seen } = await recordingTarget();
        const event = createTestEvent('message.inbound');
        const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(JSON.stringify(event))]);
        expectOk(await t.send(delivery(bytes)));
        expect(seen[0]?.event).toEqual(event);
      });

      it('never refuses a signed payload for its content: the handler gets it as sent, the departure is logged once', async () => {
        const warnings: string[] = [];
        const logger = {
          warn: (...args: unknown[]) => void warnings.push(args.map(String).join(' ')),
          error: () => undefined,
        };
        const { target: t, seen } = await recordingTarget({ logger });
        const odd = {
          object: 'whatsapp_business_account',
          entry: [
            {
              id: '1',
              changes: [
                {
                  field: 'messages',
                  value: {
                    messages: [
                      { id: 'wamid.a', from: '1', timestamp: 1700000000, type: 'text', text: { body: 'numeric time' } },
                      {
                        from: '1',
                        timestamp: '1700000001',
                        type: 'document',
                        document: { mime_type: 'application/pdf' },
                      },
                      { id: 'wamid.c', from: '1', timestamp: '1700000002', context: null, contacts: [{ name: null }] },
                    ],
                  },
                },
              ],
            },
          ],
        };
        for (let i = 0; i < 3; i++)
          expectOk(await t.send(delivery(createTestEvent('message.inbound', { payload: odd }))));
        // Each delivery reaches 'message.inbound' and then '*'.
        expect(seen.map((entry) => entry.key)).toEqual(Array(3).fill(['message.inbound', '*']).flat());
        expect(seen[0]?.event.payload).toEqual(odd);
        expect(messagesOf(seen[0]!.event)).toEqual(odd.entry[0]!.changes[0]!.value.messages);
        const paths = [
          'payload.entry[].changes[].value.messages[].timestamp',
          'payload.entry[].changes[].value.messages[].id',
          'payload.entry[].changes[].value.messages[].document.id',
          'payload.entry[].changes[].value.messages[].context',
          'payload.entry[].changes[].value.messages[].type',
        ];
        for (const path of paths) {
          // Once per path, however many deliveries and items carry it.
          expect(warnings.filter((line) => line.includes(`at ${path} `))).toHaveLength(1);
          expect(warnings.find((line) => line.includes(`at ${path} `))).toContain('message.inbound');
        }
      });

      it('accepts the whole Meta object (as in every Vobiz example)', async () => {
        const { target: t, seen } = await recordingTarget();
        const event = createTestEvent('message.inbound', { shape: 'meta' });
        expectOk(await t.send(delivery(event)));
        expect(seen[0]?.event.payload).toHaveProperty('entry');
        expect(messagesOf(seen[0]!.event)).toHaveLength(1);
      });

      it('accepts the change value alone (as Vobiz prose describes)', async () => {
        const { target: t, seen } = await recordingTarget();
        const event = createTestEvent('message.status', { shape: 'value', status: 'read' });
        expectOk(await t.send(delivery(event)));
        expect(seen[0]?.event.payload).not.toHaveProperty('entry');
        expect(statusesOf(seen[0]!.event).map((status) => status.status)).toEqual(['read']);
      });

      it('a Meta object batching 3 messages over 2 entries reaches the handler as 3 messages', async () => {
        const received: number[] = [];
        const t = await target({ on: { 'message.inbound': (event) => void received.push(messagesOf(event).length) } });
        const one = createTestEvent('message.inbound', { messageType: 'text' });
        const two = createTestEvent('message.inbound', { messageType: 'image' });
        const three = createTestEvent('message.inbound', { messageType: 'reaction' });
        const [a, b, c] = [one, two, three].map((event) => messagesOf(event)[0]);
        const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
        const payload = {
          object: 'whatsapp_business_account',
          entry: [
            {
              id: '102290129340398',
              changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata, messages: [a, b] } }],
            },
            {
              id: '102290129340399',
              changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata, messages: [c] } }],
            },
          ],
        };
        expectOk(await t.send(delivery(createTestEvent('message.inbound', { payload }))));
        expect(received).toEqual([3]);
      });

      it('accepts an unknown message type and routes it like any inbound message', async () => {
        const { target: t, seen } = await recordingTarget();
        const event = createTestEvent('message.inbound', { messageType: 'hologram' });
        expectOk(await t.send(delivery(event)));
        expect(seen.map((entry) => entry.key)).toEqual(['message.inbound', '*']);
        expect(messagesOf(seen[0]!.event)[0]?.type).toBe('hologram');
      });

      it("accepts an unknown status value ('played')", async () => {
        const { target: t, seen } = await recordingTarget();
        expectOk(await t.send(delivery(createTestEvent('message.status', { status: 'played' }))));
        expect(statusesOf(seen[0]!.event)[0]?.status).toBe('played');
      });

      it("accepts an unknown event type and routes it to '*' only", async () => {
        const { target: t, seen } = await recordingTarget();
        const event = createTestEvent('template.category_update', {
          payload: { template_id: 42, new_category: 'UTILITY' },
        });
        expectOk(await t.send(delivery(event)));
        expect(seen.map((entry) => entry.key)).toEqual(['*']);
        expect(seen[0]?.event.payload).toEqual({ template_id: 42, new_category: 'UTILITY' });
      });

      it('keeps fields Meta adds later, at every level', async () => {
        const { target: t, seen } = await recordingTarget();
        const event = createTestEvent('message.inbound', { shape: 'value' });
        const payload = event.payload as { messages: Array<Record<string, unknown>> };
        payload.messages[0]!.brand_new_field = { nested: true };
        const raw = { ...event, envelope_version: 3 };
        expectOk(await t.send(delivery(raw)));
        expect(seen[0]?.event).toMatchObject({ envelope_version: 3 });
        expect(messagesOf(seen[0]!.event)[0]).toMatchObject({ brand_new_field: { nested: true } });
      });

      it('verifies a body with emoji and accents byte for byte, and the handler reads them intact', async () => {
        const texts: Array<string | undefined> = [];
        const t = await target({
          on: { 'message.inbound': (event) => void texts.push(messagesOf(event)[0]?.text?.body) },
        });
        const event = createTestEvent('message.inbound', { shape: 'value' });
        const payload = event.payload as { messages: Array<{ text: { body: string } }> };
        payload.messages[0]!.text.body = 'Olá 👋🏽 ¿Qué tal? Málaga, São Paulo, Zürich, 北京, ñandú';
        expectOk(await t.send(delivery(event)));
        expect(texts).toEqual(['Olá 👋🏽 ¿Qué tal? Málaga, São Paulo, Zürich, 北京, ñandú']);
      });

      it('verifies the escaped-unicode form Meta signs (\\u00e1), without re-serializing it', async () => {
        const texts: Array<string | undefined> = [];
        const t = await target({
          on: { 'message.inbound': (event) => void texts.push(messagesOf(event)[0]?.text?.body) },
        });
        const event = createTestEvent('message.inbound', { shape: 'value' });
        (event.payload as { messages: Array<{ text: { body: string } }> }).messages[0]!.text.body = 'Málaga 👋';
        const escaped = JSON.stringify(event).replace(
          /[\u0080-\uffff]/g,
          (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        expect(escaped).not.toMatch(/[^\x00-\x7f]/);
        expectOk(await t.send(delivery(escaped)));
        expect(texts).toEqual(['Málaga 👋']);
      });

      it('signed raw bytes (a Uint8Array body) verify the same way', async () => {
        const { target: t, keys } = await recordingTarget();
        const bytes = new TextEncoder().encode(JSON.stringify(createTestEvent('call.terminate')));
        expectOk(await t.send(delivery(bytes)));
        expect(keys()).toEqual(['call.*', '*']);
      });
    });

    describe('handler routing', () => {
      it("runs the specific handler, then 'call.*', then '*'", async () => {
        const started: string[] = [];
        const record = (key: string) => () => void started.push(key);
        const t = await target({
          on: { '*': record('*'), 'call.*': record('call.*'), 'call.connect': record('call.connect') },
        });
        expectOk(await t.send(delivery(createTestEvent('call.connect'))));
        expect(started).toEqual(['call.connect', 'call.*', '*']);
      });

      it("routes call.terminate and a future call.* type to 'call.*' but not to call.connect", async () => {
        const started: string[] = [];
        const record = (key: string) => (event: VobizEvent) => void started.push(`${key}<-${event.event_type}`);
        const t = await target({ on: { 'call.connect': record('call.connect'), 'call.*': record('call.*') } });
        expectOk(await t.send(delivery(createTestEvent('call.terminate'))));
        expectOk(await t.send(delivery(createTestEvent('call.transfer'))));
        expect(started).toEqual(['call.*<-call.terminate', 'call.*<-call.transfer']);
      });

      it('message events never reach call handlers', async () => {
        const { target: t, keys } = await recordingTarget();
        expectOk(await t.send(delivery(createTestEvent('message.inbound'))));
        expectOk(await t.send(delivery(createTestEvent('message.status'))));
        expect(keys()).toEqual(['message.inbound', '*', 'message.status', '*']);
      });

      it('handlers run together: every one runs even when another fails, and the delivery fails', async () => {
        const finished: string[] = [];
        let fail = true;
        const t = await target({
          on: {
            'call.connect': async () => {
              await new Promise((resolve) => setTimeout(resolve, 20));
              finished.push('call.connect');
            },
            'call.*': async () => {
              if (fail) throw new Error('call.* failed');
              finished.push('call.*');
            },
            '*': () => void finished.push('*'),
          },
        });
        const event = createTestEvent('call.connect');
        expectRefusal(await t.send(delivery(event)), 500, 'handler_failed');
        expect(finished.sort()).toEqual(['*', 'call.connect']);
        // The failed delivery released its claim: the retry runs all handlers again.
        fail = false;
        finished.length = 0;
        expectOk(await t.send(delivery(event)));
        expect(finished.sort()).toEqual(['*', 'call.*', 'call.connect']);
      });

      it('waits for async handlers before answering', async () => {
        let done = false;
        const t = await target({
          on: {
            'message.status': async () => {
              await new Promise((resolve) => setTimeout(resolve, 30));
              done = true;
            },
          },
        });
        expectOk(await t.send(delivery(createTestEvent('message.status'))));
        expect(done).toBe(true);
      });
    });

    describe('dedupe', () => {
      it('50 simultaneous copies of one event run the handler once; every other copy is 409 in_progress or the duplicate 200', async () => {
        let calls = 0;
        const t = await target({
          on: {
            'message.inbound': async () => {
              calls++;
              await new Promise((resolve) => setTimeout(resolve, 50));
            },
          },
        });
        const event = createTestEvent('message.inbound');
        const request = delivery(event);
        const responses = await Promise.all(Array.from({ length: 50 }, () => t.send(request)));
        expect(calls).toBe(1);
        const handled = responses.filter(
          (r) => r.status === 200 && r.body?.ok === true && r.body.duplicate === undefined,
        );
        expect(handled).toHaveLength(1);
        for (const response of responses) {
          if (response === handled[0]) continue;
          if (response.status === 409) expectRefusal(response, 409, 'in_progress');
          else expectOk(response, true);
        }
      });

      it('a handler that throws answers 500 handler_failed, and the redelivery is processed', async () => {
        let calls = 0;
        const t = await target({
          on: {
            'message.status': () => {
              calls++;
              if (calls === 1) throw new Error('transient failure');
            },
          },
        });
        const event = createTestEvent('message.status');
        expectRefusal(await t.send(delivery(event)), 500, 'handler_failed');
        expectOk(await t.send(delivery(event)));
        expectOk(await t.send(delivery(event)), true);
        expect(calls).toBe(2);
      });

      it('still answers 500 handler_failed when the store cannot release the claim', async () => {
        const t = await target({
          dedupe: recordingStore({ release: () => Promise.reject(new Error('store went away')) }),
          on: { 'message.inbound': () => Promise.reject(new Error('boom')) },
        });
        expectRefusal(await t.send(delivery(createTestEvent('message.inbound'))), 500, 'handler_failed');
      });

      it('answers 200 when the work is done but complete() fails (the event is not lost)', async () => {
        let calls = 0;
        const t = await target({
          dedupe: recordingStore({ complete: () => Promise.reject(new Error('store went away')) }),
          on: { 'message.inbound': () => void calls++ },
        });
        expectOk(await t.send(delivery(createTestEvent('message.inbound'))));
        expect(calls).toBe(1);
      });

      it('different event ids are handled independently', async () => {
        let calls = 0;
        const t = await target({ on: { 'message.inbound': () => void calls++ } });
        expectOk(await t.send(delivery(createTestEvent('message.inbound'))));
        expectOk(await t.send(delivery(createTestEvent('message.inbound'))));
        expect(calls).toBe(2);
      });

      it('dedupe: false handles every copy', async () => {
        let calls = 0;
        const t = await target({ dedupe: false, on: { 'message.inbound': () => void calls++ } });
        const event = createTestEvent('message.inbound');
        expectOk(await t.send(delivery(event)));
        expectOk(await t.send(delivery(event)));
        expect(calls).toBe(2);
      });

      it('dedupeKey dedupes by content: the same status of the same wamid under two event ids', async () => {
        let calls = 0;
        const t = await target({
          dedupeKey: (event) =>
            statusesOf(event)
              .map((s) => `${s.id}:${s.status}`)
              .join('|') || event.event_id,
          on: { 'message.status': () => void calls++ },
        });
        const first = createTestEvent('message.status', { status: 'read' });
        const again = { ...first, event_id: crypto.randomUUID() };
        expectOk(await t.send(delivery(first)));
        expectOk(await t.send(delivery(again)), true);
        expect(calls).toBe(1);
      });

      it('uses a custom DedupeStore passed in options', async () => {
        const store = recordingStore();
        const t = await target({ dedupe: store, on: { 'message.inbound': () => undefined } });
        const event = createTestEvent('message.inbound');
        expectOk(await t.send(delivery(event)));
        expectOk(await t.send(delivery(event)), true);
        expect(store.calls).toEqual([
          `claim ${event.event_id}`,
          `complete ${event.event_id}`,
          `claim ${event.event_id}`,
        ]);
      });
    });

    describe('secrets', () => {
      it('during a rotation either of two secrets verifies, and a third does not', async () => {
        const { target: t, seen } = await recordingTarget({
          secret: ['whsec_old_rotation_1111', 'whsec_new_rotation_2222'],
        });
        expectOk(await t.send(delivery(createTestEvent('message.inbound'), 'whsec_old_rotation_1111')));
        expectOk(await t.send(delivery(createTestEvent('message.inbound'), 'whsec_new_rotation_2222')));
        expectRefusal(await t.send(delivery(createTestEvent('message.inbound'), SECRET)), 401, 'invalid_signature');
        expect(seen.filter((entry) => entry.key === 'message.inbound')).toHaveLength(2);
      });

      it('never puts the secret in an answer or a log line', async () => {
        const lines: string[] = [];
        const logger = {
          warn: (...args: unknown[]) => void lines.push(args.map(String).join(' ')),
          error: (...args: unknown[]) =>
            void lines.push(
              args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(' '),
            ),
        };
        const t = await target({ logger, on: { 'message.inbound': () => Promise.reject(new Error('handler down')) } });
        const answers = [
          await t.send(delivery(createTestEvent('message.inbound'), OTHER_SECRET)),
          await t.send(withHeaders(delivery(createTestEvent('message.inbound')), { 'x-webhook-signature': undefined })),
          await t.send(delivery('not json')),
          await t.send(delivery(createTestEvent('message.inbound'))),
        ];
        expect(answers.map((answer) => answer.status)).toEqual([401, 401, 400, 500]);
        expect(lines.length).toBeGreaterThan(0);
        const everything = [...lines, ...answers.map((answer) => JSON.stringify(answer))].join('\n');
        expect(everything).not.toContain(SECRET);
        // A handler's stack trace belongs in the log, never in the answer.
        expect(answers[3]?.body.error.message).not.toMatch(/handler down|at .*\.ts/);
      });
    });
  });
}
