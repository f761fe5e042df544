import { isDeepStrictEqual } from 'node:util';
import {
  callsOf,
  contactsOf,
  messagesOf,
  statusesOf,
  type Contact,
  type EventHandlers,
  type InlineOptions,
  type LegacyEnvelope,
  type Message,
  type MetaInlineOptions,
  type MetaObject,
  type MetaWebhookOptions,
  type Status,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest, type SignOptions } from '@vobiz-webhooks/core/testing';
import { delivery, expectOk, expectRefusal, OTHER_SECRET, SECRET, withHeaders } from './conformance';
import type { DeliveryRequest, DeliveryResponse, MakeTarget, Target } from './target';

/*
 * The promises of the formats beside Vobiz's current envelope (docs/architecture.md,
 * "Formats"), run against each adapter: Vobiz's earlier envelope through `vobizWebhook`,
 * and Meta's Cloud API received directly through `metaWebhook`. Every test builds its
 * own target, as in ./conformance.ts.
 */

/** Builds a fresh Meta target (`metaWebhook`) for the given options. */
export type MakeMetaTarget = (options: MetaWebhookOptions) => Target | Promise<Target>;

export const META_APP_SECRET = 'meta_app_secret_5c1e9a7b40d2';
export const META_VERIFY_TOKEN = 'meta-verify-token-3d8f61';
export const META_PATH = '/webhooks/meta';
const HOUR = 60 * 60 * 1000;

/** A POST signed the way `options.format` (else the body's shape) says, at the adapter's default path. */
export function signedDelivery(body: object, secret: string, options: SignOptions = {}): DeliveryRequest {
  const signed = signedRequest(body, secret, options);
  return { method: 'POST', headers: { ...signed.headers }, body: signed.body };
}

/** A POST in Vobiz's earlier envelope (`X-Vobiz-Signature`), in any encoding it may carry. */
export const legacyDelivery = (
  body: LegacyEnvelope,
  secret = SECRET,
  encoding: Pick<SignOptions, 'encoding' | 'prefix'> = {},
): DeliveryRequest => signedDelivery(body, secret, { ...encoding, format: 'vobiz-legacy' });

/** A POST as Meta sends it (`X-Hub-Signature-256`), always with its path so every adapter can route it. */
export const metaDelivery = (body: object, secret = META_APP_SECRET, path = META_PATH): DeliveryRequest => ({
  ...signedDelivery(body, secret, { format: 'meta' }),
  path,
});

/** Meta's `GET` subscription handshake with these query parameters (none: a bare `GET`). */
export function handshake(params: Record<string, string> = {}, path = META_PATH): DeliveryRequest {
  const query = new URLSearchParams(params).toString();
  return { method: 'GET', path: query === '' ? path : `${path}?${query}` };
}

/** The query of Meta's handshake (`?hub.mode=subscribe&…`), for tests that build URLs themselves. */
export const handshakeQuery = (token = META_VERIFY_TOKEN, challenge = '1158201444'): string =>
  `?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=${encodeURIComponent(challenge)}`;

/** One body holding two inbound messages and a status, one entry each, as Meta batches them: three items, three events. */
export function threeItemMetaBody(): MetaObject {
  const bodies = [
    createTestEvent('message.inbound', { format: 'meta' }),
    createTestEvent('message.status', { format: 'meta' }),
    createTestEvent('message.inbound', { format: 'meta', messageType: 'image' }),
  ];
  return { object: 'whatsapp_business_account', entry: bodies.flatMap((body) => body.entry) };
}

/** `metaWebhook` options with the suite's secrets and a `'*'` handler that records every event. */
export function recordingMetaOptions(extra: Partial<MetaInlineOptions> = {}): {
  seen: VobizEvent[];
  options: MetaInlineOptions;
} {
  const seen: VobizEvent[] = [];
  const options: MetaInlineOptions = {
    appSecret: META_APP_SECRET,
    verifyToken: META_VERIFY_TOKEN,
    logger: false,
    on: { '*': (event) => void seen.push(event) },
    ...extra,
  };
  return { seen, options };
}

/** The handshake parameters Meta sends, with the right token unless a test says otherwise. */
export const subscribe = (challenge: string, overrides: Record<string, string> = {}): Record<string, string> => ({
  'hub.mode': 'subscribe',
  'hub.verify_token': META_VERIFY_TOKEN,
  'hub.challenge': challenge,
  ...overrides,
});

const NOT_JSON = Symbol('not JSON');
const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
};

/**
 * Whether an answer's body is this text. A target hands on a body that happens to be
 * JSON parsed (./target.ts): a challenge such as `1158201444` then arrives as a number.
 */
export const bodyIsText = (response: DeliveryResponse, text: string): boolean =>
  response.body === text || isDeepStrictEqual(response.body, parsed(text));

/** The handshake's answer: 200, the challenge exactly, as plain text the browser may not sniff into HTML. */
export function expectChallenge(response: DeliveryResponse, challenge: string): void {
  expect({ status: response.status, challengeEchoed: bodyIsText(response, challenge) }).toEqual({
    status: 200,
    challengeEchoed: true,
  });
  expect(response.headers['content-type']).toMatch(/^text\/plain\b/);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
}

/** Tracks the targets a describe block opens and closes them after each test. */
export function openTargets<Options>(
  make: (options: Options) => Target | Promise<Target>,
): (options: Options) => Promise<Target> {
  let open: Target[] = [];
  afterEach(async () => {
    const closing = open;
    open = [];
    await Promise.all(closing.map((target) => target.close?.()));
  });
  return async (options) => {
    const target = await make(options);
    open.push(target);
    return target;
  };
}

/** Handlers that record every event they see, by handler key, in the order they started. */
export function recorder() {
  const seen: Array<{ key: string; event: VobizEvent }> = [];
  const on = (...keys: string[]): EventHandlers =>
    Object.fromEntries(keys.map((key) => [key, (event: VobizEvent) => void seen.push({ key, event })]));
  return { seen, on, keys: () => seen.map((entry) => entry.key) };
}

const unixSeconds = (iso: string): string => String(Math.floor(Date.parse(iso) / 1000));

// ---------------------------------------------------------------- Vobiz's earlier envelope

interface LegacyCase {
  /** The earlier event name. */
  type: string;
  options?: { messageType: string };
  /** The handler key its events reach. */
  key: string;
  /** What the handler must see of the body's `data`. */
  check(event: VobizEvent, data: Record<string, any>): void;
}

/** `message.received`: one message and its sender, as Meta writes them. */
function checkInbound(event: VobizEvent, data: Record<string, any>): void {
  const type = data['type'] as string;
  expect(messagesOf(event)).toEqual([
    { id: data['message_id'], from: data['from'], timestamp: unixSeconds(data['timestamp']), type, [type]: data[type] },
  ]);
  expect(contactsOf(event)).toEqual([{ wa_id: data['from'], profile: { name: data['contact'].name } }]);
}

/** `message.<status>`: one status, with Meta's `errors[]` for a failure. */
function checkStatus(event: VobizEvent, data: Record<string, any>): void {
  const error = data['error'];
  expect(statusesOf(event)).toEqual([
    {
      id: data['message_id'],
      status: data['status'],
      timestamp: unixSeconds(data['timestamp']),
      recipient_id: data['to'],
      ...(error === undefined
        ? {}
        : {
            errors: [
              {
                code: error.code,
                title: error.message,
                message: error.message,
                error_data: { details: error.details },
              },
            ],
          }),
    },
  ]);
}

const checkData = (event: VobizEvent, data: Record<string, any>): void => expect(event.payload).toEqual(data);

const inbound = (messageType: string): LegacyCase => ({
  type: 'message.received',
  options: { messageType },
  key: 'message.inbound',
  check: checkInbound,
});
const status = (name: string): LegacyCase => ({ type: name, key: 'message.status', check: checkStatus });

/** Every earlier event name, with the bodies Vobiz's earlier webhook pages show. */
const LEGACY_CASES: readonly LegacyCase[] = [
  ...['text', 'image', 'location', 'contacts', 'button', 'interactive'].map(inbound),
  ...['message.sent', 'message.delivered', 'message.read', 'message.failed'].map(status),
  { type: 'contact.updated', key: 'contact.updated', check: checkData },
  { type: 'campaign.completed', key: 'campaign.completed', check: checkData },
];

const legacyName = ({ type, options }: LegacyCase): string =>
  options === undefined ? type : `${type} (${options.messageType})`;

/** Every encoding `X-Vobiz-Signature` may come in. */
const LEGACY_ENCODINGS: ReadonlyArray<Required<Pick<SignOptions, 'encoding' | 'prefix'>>> = (
  ['hex', 'HEX', 'base64'] as const
).flatMap((encoding) => [false, true].map((prefix) => ({ encoding, prefix })));

export function describeLegacyConformance(name: string, makeTarget: MakeTarget): void {
  describe(`${name}: Vobiz's earlier envelope (X-Vobiz-Signature)`, () => {
    jest.setTimeout(30_000);
    const open = openTargets(makeTarget);
    const target = (options: Partial<InlineOptions> = {}) =>
      open({ secret: SECRET, logger: false, on: {}, ...options });

    async function recording(options: Partial<InlineOptions> = {}) {
      const record = recorder();
      const keys = ['message.inbound', 'message.status', 'contact.updated', 'campaign.completed', '*'];
      return { target: await target({ on: record.on(...keys), ...options }), ...record };
    }

    describe('every earlier event name reaches the handler of its current type', () => {
      for (const legacyCase of LEGACY_CASES) {
        it(`${legacyName(legacyCase)} → '${legacyCase.key}'`, async () => {
          const { target: t, seen, keys } = await recording();
          const body = createTestEvent(legacyCase.type, { ...legacyCase.options, format: 'vobiz-legacy' });
          expectOk(await t.send(legacyDelivery(body)));
          expect(keys()).toEqual([legacyCase.key, '*']);
          const event = seen[0]!.event;
          expect(event).toMatchObject({
            event_id: body.event_id,
            event_type: legacyCase.key,
            account_id: body.channel_id,
            occurred_at: body.timestamp,
            source: 'vobiz-legacy',
          });
          expect(event.legacy).toEqual(body);
          legacyCase.check(event, body.data);
        });
      }
    });

    describe('signatures', () => {
      for (const encoding of LEGACY_ENCODINGS) {
        it(`accepts ${encoding.encoding}${encoding.prefix ? ' with sha256=' : ''}`, async () => {
          const { target: t, keys } = await recording();
          const body = createTestEvent('message.inbound', { format: 'vobiz-legacy' });
          expectOk(await t.send(legacyDelivery(body, SECRET, encoding)));
          expect(keys()).toEqual(['message.inbound', '*']);
        });
      }

      const refusals: Array<{ situation: string; code: string; request: (body: LegacyEnvelope) => DeliveryRequest }> = [
        {
          situation: 'a forged signature (another body signed)',
          code: 'invalid_signature',
          request: (body) =>
            withHeaders(legacyDelivery(body), {
              'x-vobiz-signature': legacyDelivery({ ...body, event_id: 'evt_other' }).headers!['x-vobiz-signature'],
            }),
        },
        {
          situation: 'a body tampered with after signing',
          code: 'invalid_signature',
          request: (body) => {
            const signed = legacyDelivery(body);
            return { ...signed, body: String(signed.body).replace(body.event_id, 'evt_attacker') };
          },
        },
        {
          situation: 'a body signed with another secret',
          code: 'invalid_signature',
          request: (body) => legacyDelivery(body, OTHER_SECRET, { encoding: 'base64' }),
        },
        {
          situation: 'both X-Vobiz-Signature and X-Webhook-Signature, each valid',
          code: 'invalid_signature',
          request: (body) => {
            const signed = legacyDelivery(body);
            const current = signedDelivery(body, SECRET, { format: 'vobiz' }).headers!['x-webhook-signature'];
            return withHeaders(signed, { 'x-webhook-signature': current });
          },
        },
        {
          situation: 'no signature header',
          code: 'missing_signature',
          request: (body) => withHeaders(legacyDelivery(body), { 'x-vobiz-signature': undefined }),
        },
      ];
      for (const { situation, code, request } of refusals) {
        it(`refuses ${situation} with 401 ${code}, and runs no handler`, async () => {
          const { target: t, seen } = await recording();
          const response = await t.send(request(createTestEvent('message.inbound', { format: 'vobiz-legacy' })));
          expectRefusal(response, 401, code);
          expect(seen).toEqual([]);
        });
      }

      it('the missing_signature message names both headers the receiver accepts', async () => {
        const t = await target();
        const body = createTestEvent('message.status', { format: 'vobiz-legacy' });
        const response = await t.send(withHeaders(legacyDelivery(body), { 'x-vobiz-signature': undefined }));
        expect(response.body.error.message).toContain('X-Vobiz-Signature');
        expect(response.body.error.message).toContain('X-Webhook-Signature');
      });

      it("formats: ['vobiz'] refuses an earlier-envelope delivery with 401 missing_signature, naming its header", async () => {
        const { target: t, seen } = await recording({ formats: ['vobiz'] });
        const response = await t.send(legacyDelivery(createTestEvent('message.inbound', { format: 'vobiz-legacy' })));
        expectRefusal(response, 401, 'missing_signature');
        expect(response.body.error.message).toContain('X-Vobiz-Signature');
        expect(seen).toEqual([]);
        // The current envelope still gets through.
        expectOk(await t.send(delivery(createTestEvent('message.inbound'))));
      });
    });

    describe('dedupe and age', () => {
      it('a duplicate event_id is answered 200 duplicate, and the handler ran once', async () => {
        let calls = 0;
        const t = await target({ on: { 'message.status': () => void calls++ } });
        const body = createTestEvent('message.read', { format: 'vobiz-legacy' });
        expectOk(await t.send(legacyDelivery(body)));
        // The same event in another encoding is the same event.
        expectOk(await t.send(legacyDelivery(body, SECRET, { encoding: 'base64' })), true);
        expect(calls).toBe(1);
      });

      it('a timestamp older than maxEventAgeMs (48 h by default) is 400 stale_event', async () => {
        const { target: t, seen } = await recording();
        const old = new Date(Date.now() - 49 * HOUR).toISOString();
        const body = createTestEvent('message.inbound', { format: 'vobiz-legacy', occurred_at: old });
        expectRefusal(await t.send(legacyDelivery(body)), 400, 'stale_event');
        expect(seen).toEqual([]);
      });

      it('a handler failure is 500 handler_failed, and the redelivery is handled', async () => {
        let calls = 0;
        const t = await target({
          on: {
            'contact.updated': () => {
              if (++calls === 1) throw new Error('CRM down');
            },
          },
        });
        const body = createTestEvent('contact.updated', { format: 'vobiz-legacy' });
        expectRefusal(await t.send(legacyDelivery(body)), 500, 'handler_failed');
        expectOk(await t.send(legacyDelivery(body)));
        expect(calls).toBe(2);
      });
    });

    it('one handler serves both Vobiz formats, told apart only by event.source', async () => {
      const sources: string[] = [];
      const t = await target({ on: { 'message.inbound': (event) => void sources.push(event.source) } });
      expectOk(await t.send(delivery(createTestEvent('message.inbound'))));
      expectOk(await t.send(legacyDelivery(createTestEvent('message.inbound', { format: 'vobiz-legacy' }))));
      expect(sources).toEqual(['vobiz', 'vobiz-legacy']);
    });
  });
}

// ---------------------------------------------------------------- Meta's Cloud API

const WABA_A = '102290129340398';
const WABA_B = '102290129340399';
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

/** One item of a batch and what its event must carry. */
export interface BatchItem {
  key: 'message.inbound' | 'message.status';
  event_id: string;
  account_id: string;
  item: Message | Status;
  contact: Contact | undefined;
}

/**
 * A Meta body batching three messages over two entries and two statuses, as Meta
 * posts under load, with the events it must become, in order. The contacts of the
 * first change are listed in the other order than its messages, so a contact can only
 * be matched by its `wa_id`.
 */
export function batchedMetaBody(): { body: object; items: BatchItem[] } {
  const run = globalThis.crypto.randomUUID().slice(0, 8);
  const now = String(Math.floor(Date.now() / 1000));
  const contact = (wa_id: string, name: string): Contact => ({ profile: { name }, wa_id });
  const text = (n: number, from: string, body: string): Message => ({
    from,
    id: `wamid.batch.${run}.${n}`,
    timestamp: now,
    type: 'text',
    text: { body },
  });
  const status = (n: number, value: string): Status => ({
    id: `wamid.sent.${run}.${n}`,
    status: value,
    timestamp: now,
    recipient_id: '16505551234',
  });
  const [ana, ben, carla] = [
    contact('16505551234', 'Ana García'),
    contact('16505559876', 'Ben Okafor'),
    contact('34600000000', 'Carla Ruiz'),
  ];
  const [m1, m2, m3] = [text(1, ana.wa_id!, 'Hola'), text(2, ben.wa_id!, 'Hi'), text(3, carla.wa_id!, 'Buenas')];
  const [s1, s2] = [status(1, 'delivered'), status(2, 'read')];
  const value = (rest: object) => ({ messaging_product: 'whatsapp', metadata: METADATA, ...rest });
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      { id: WABA_A, changes: [{ field: 'messages', value: value({ contacts: [ben, ana], messages: [m1, m2] }) }] },
      {
        id: WABA_B,
        changes: [
          { field: 'messages', value: value({ contacts: [carla], messages: [m3] }) },
          { field: 'messages', value: value({ statuses: [s1, s2] }) },
        ],
      },
    ],
  };
  const message = (item: Message, account_id: string, match: Contact): BatchItem => ({
    key: 'message.inbound',
    event_id: item.id,
    account_id,
    item,
    contact: match,
  });
  const statusItem = (item: Status): BatchItem => ({
    key: 'message.status',
    event_id: `${item.id}:${item.status}`,
    account_id: WABA_B,
    item,
    contact: undefined,
  });
  return {
    body,
    items: [
      message(m1, WABA_A, ana),
      message(m2, WABA_A, ben),
      message(m3, WABA_B, carla),
      statusItem(s1),
      statusItem(s2),
    ],
  };
}

/** The event of one batch item: that item alone, its contact, the change's metadata, Meta as its source. */
export function expectBatchItem(event: VobizEvent, expected: BatchItem): void {
  expect(event).toMatchObject({
    event_type: expected.key,
    event_id: expected.event_id,
    account_id: expected.account_id,
    source: 'meta',
    occurred_at: new Date(Number(expected.item.timestamp) * 1000).toISOString(),
  });
  const items = expected.key === 'message.inbound' ? messagesOf(event) : statusesOf(event);
  expect(items).toEqual([expected.item]);
  expect(contactsOf(event)).toEqual(expected.contact === undefined ? [] : [expected.contact]);
  expect(event.payload).toMatchObject({ messaging_product: 'whatsapp', metadata: METADATA });
}

export function describeMetaConformance(name: string, makeTarget: MakeMetaTarget): void {
  describe(`${name}: Meta's Cloud API (X-Hub-Signature-256)`, () => {
    jest.setTimeout(30_000);
    const open = openTargets(makeTarget);
    const target = (options: Partial<MetaInlineOptions> = {}) =>
      open({ appSecret: META_APP_SECRET, verifyToken: META_VERIFY_TOKEN, logger: false, on: {}, ...options });

    async function recording(options: Partial<MetaInlineOptions> = {}) {
      const record = recorder();
      const keys = ['message.inbound', 'message.status', 'call.connect', 'call.terminate', 'call.*', '*'];
      return { target: await target({ on: record.on(...keys), ...options }), ...record };
    }

    describe('the subscription handshake', () => {
      it("answers the right token with the challenge, as text/plain with nosniff (Meta's numeric challenge)", async () => {
        const t = await target();
        expectChallenge(await t.send(handshake(subscribe('1158201444'))), '1158201444');
      });

      it('answers any printable challenge exactly, up to 256 characters', async () => {
        const t = await target();
        const challenge = 'Az09 +&%=~!?'.repeat(22).slice(0, 256);
        expect(challenge).toHaveLength(256);
        expectChallenge(await t.send(handshake(subscribe(challenge))), challenge);
      });

      const refusals: Array<{ situation: string; status: number; code: string; params: Record<string, string> }> = [
        {
          situation: 'a wrong verify token',
          status: 403,
          code: 'verification_failed',
          params: subscribe('123', { 'hub.verify_token': 'guess' }),
        },
        {
          situation: 'a mode other than subscribe',
          status: 403,
          code: 'verification_failed',
          params: subscribe('123', { 'hub.mode': 'unsubscribe' }),
        },
        {
          situation: 'no challenge',
          status: 400,
          code: 'invalid_challenge',
          params: { 'hub.mode': 'subscribe', 'hub.verify_token': META_VERIFY_TOKEN },
        },
        { situation: 'an empty challenge', status: 400, code: 'invalid_challenge', params: subscribe('') },
        {
          situation: 'a challenge of 257 characters',
          status: 400,
          code: 'invalid_challenge',
          params: subscribe('9'.repeat(257)),
        },
        {
          situation: 'a challenge that is not printable ASCII',
          status: 400,
          code: 'invalid_challenge',
          params: subscribe('12\u000734'),
        },
      ];
      for (const { situation, status, code, params } of refusals) {
        it(`refuses ${situation} with ${status} ${code}`, async () => {
          expectRefusal(await (await target()).send(handshake(params)), status, code);
        });
      }

      it('a GET without hub.mode is 405, and Allow names POST', async () => {
        const response = await (await target()).send(handshake());
        expectRefusal(response, 405, 'method_not_allowed');
        expect(response.headers['allow']).toMatch(/\bPOST\b/);
      });
    });

    describe('batched bodies: one event per item', () => {
      it('3 messages over 2 entries plus 2 statuses call the handlers 5 times, one item each', async () => {
        const { target: t, seen } = await recording();
        const { body, items } = batchedMetaBody();
        expectOk(await t.send(metaDelivery(body)));
        const handled = seen.filter((entry) => entry.key !== '*');
        expect(handled.map((entry) => entry.key)).toEqual(items.map((item) => item.key));
        handled.forEach((entry, i) => expectBatchItem(entry.event, items[i]!));
        expect(seen.filter((entry) => entry.key === '*')).toHaveLength(5);
      });

      it('the same body again calls no handler and is answered as a duplicate', async () => {
        const { target: t, seen } = await recording();
        const { body } = batchedMetaBody();
        expectOk(await t.send(metaDelivery(body)));
        seen.length = 0;
        expectOk(await t.send(metaDelivery(body)), true);
        expect(seen).toEqual([]);
      });

      it("one item's failing handler answers 500 handler_failed; the resend runs only that item", async () => {
        const { body, items } = batchedMetaBody();
        const failing = items[1]!.event_id;
        const attempts: string[] = [];
        let fail = true;
        const t = await target({
          on: {
            'message.inbound': (event) => {
              attempts.push(event.event_id);
              if (fail && event.event_id === failing) throw new Error('database down');
            },
            'message.status': (event) => void attempts.push(event.event_id),
          },
        });
        expectRefusal(await t.send(metaDelivery(body)), 500, 'handler_failed');
        // A failed item does not stop the others.
        expect(attempts).toEqual(items.map((item) => item.event_id));
        fail = false;
        attempts.length = 0;
        expectOk(await t.send(metaDelivery(body)));
        expect(attempts).toEqual([failing]);
        expectOk(await t.send(metaDelivery(body)), true);
      });
    });

    describe('signatures', () => {
      const inbound = () => createTestEvent('message.inbound', { format: 'meta' });
      const refusals: Array<{ situation: string; code: string; request: () => DeliveryRequest }> = [
        {
          situation: 'a forged signature (another body signed)',
          code: 'invalid_signature',
          request: () =>
            withHeaders(metaDelivery(inbound()), {
              'x-hub-signature-256': metaDelivery(inbound()).headers!['x-hub-signature-256'],
            }),
        },
        {
          situation: 'no X-Hub-Signature-256',
          code: 'missing_signature',
          request: () => withHeaders(metaDelivery(inbound()), { 'x-hub-signature-256': undefined }),
        },
        {
          situation: 'a body signed with another app secret',
          code: 'invalid_signature',
          request: () => metaDelivery(inbound(), 'another_apps_secret_0000'),
        },
      ];
      for (const { situation, code, request } of refusals) {
        it(`refuses ${situation} with 401 ${code}, and runs no handler`, async () => {
          const { target: t, seen } = await recording();
          expectRefusal(await t.send(request()), 401, code);
          expect(seen).toEqual([]);
        });
      }

      it('during an app secret rotation either secret verifies, and a third does not', async () => {
        const { target: t, seen } = await recording({ appSecret: ['meta_old_secret_1111', 'meta_new_secret_2222'] });
        expectOk(await t.send(metaDelivery(inbound(), 'meta_old_secret_1111')));
        expectOk(await t.send(metaDelivery(inbound(), 'meta_new_secret_2222')));
        expectRefusal(await t.send(metaDelivery(inbound(), META_APP_SECRET)), 401, 'invalid_signature');
        expect(seen.filter((entry) => entry.key === 'message.inbound')).toHaveLength(2);
      });
    });

    describe('routing', () => {
      for (const call of ['connect', 'terminate']) {
        it(`a call ${call} reaches 'call.${call}', then 'call.*' and '*'`, async () => {
          const { target: t, seen, keys } = await recording();
          const body = createTestEvent(`call.${call}`, { format: 'meta' });
          expectOk(await t.send(metaDelivery(body)));
          expect(keys()).toEqual([`call.${call}`, 'call.*', '*']);
          const event = seen[0]!.event;
          expect(event).toMatchObject({ event_type: `call.${call}`, source: 'meta', account_id: WABA_A });
          expect(callsOf(event).map((item) => item.event)).toEqual([call]);
          expect(event.event_id).toBe(`${callsOf(event)[0]!.id}:${call}`);
        });
      }

      it("a change of an unknown field reaches only '*', as meta.<field> with the whole value", async () => {
        const { target: t, seen, keys } = await recording();
        const body = createTestEvent('meta.account_update', { format: 'meta' });
        expectOk(await t.send(metaDelivery(body)));
        expect(keys()).toEqual(['*']);
        expect(seen[0]!.event).toMatchObject({
          event_type: 'meta.account_update',
          source: 'meta',
          payload: body.entry[0]!.changes[0]!.value,
        });
      });

      it('a stale item (older than the 7-day default) is 400 stale_event', async () => {
        const { target: t, seen } = await recording();
        const old = new Date(Date.now() - 8 * 24 * HOUR).toISOString();
        const body = createTestEvent('message.status', { format: 'meta', occurred_at: old });
        expectRefusal(await t.send(metaDelivery(body)), 400, 'stale_event');
        expect(seen).toEqual([]);
      });
    });
  });
}
