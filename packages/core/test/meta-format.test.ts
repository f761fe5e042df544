import {
  contactsOf,
  createMetaReceiver,
  type EventQueue,
  type MetaInlineOptions,
  type MetaWebhookOptions,
  type Receiver,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { batchedMetaBody, expectBatchItem, recorder } from '@vobiz-webhooks/test-suites';
import { resolveMetaOptions } from '../src/options';
import { createReceiverWith } from '../src/receiver';
import { webPlatform } from '../src/web/platform';

// Meta's Cloud API received directly, at the receiver: one event per item, each deduped
// on its own key and aged on its own timestamp, a batch handled item by item
// (docs/architecture.md, "Formats"). The same promises through adapters are in
// @vobiz-webhooks/test-suites (formats-conformance.ts).

const APP_SECRET = 'meta_app_secret_unit_9e1d';
const VERIFY_TOKEN = 'meta-verify-unit-41aa';
const WABA = '102290129340398';
const DAY = 24 * 60 * 60 * 1000;
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

const seconds = (msAgo = 0): string => String(Math.floor((Date.now() - msAgo) / 1000));
const isoOf = (unix: string | number): string => new Date(Number(unix) * 1000).toISOString();

type Json = Record<string, unknown>;
let counter = 0;
const text = (extra: Json = {}): Json => ({
  from: '16505551234',
  id: `wamid.unit.${++counter}`,
  timestamp: seconds(),
  type: 'text',
  text: { body: `message ${counter}` },
  ...extra,
});
/** A Meta body of one entry, one change per field given. */
const metaBody = (changes: ReadonlyArray<[field: string, value: unknown]>, entry: Json = {}) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: WABA, changes: changes.map(([field, value]) => ({ field, value })), ...entry }],
});
const messagesChange = (value: Json): [string, Json] => [
  'messages',
  { messaging_product: 'whatsapp', metadata: METADATA, ...value },
];

/** A receiver with recording handlers, and a way to send it deliveries signed as Meta does. */
function receiving(
  options: Partial<MetaInlineOptions> = {},
  create: (options: MetaWebhookOptions) => Receiver = createMetaReceiver,
) {
  const record = recorder();
  const receiver = create({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    logger: false,
    on: record.on('message.inbound', 'message.status', 'call.connect', 'call.terminate', 'call.*', '*'),
    ...options,
  });
  return { ...record, receiver, send: (body: object) => send(receiver, body) };
}

async function send(receiver: Receiver, body: object) {
  const signed = signedRequest(body, APP_SECRET, { format: 'meta' });
  const result = await receiver.receive({ method: 'POST', headers: signed.headers, rawBody: signed.body });
  return { ...result, answer: { status: result.status, body: JSON.parse(result.body) as Json } };
}

const ok = { status: 200, body: { ok: true } };
const duplicate = { status: 200, body: { ok: true, duplicate: true } };
const refused = (status: number, code: string) => ({
  status,
  body: { ok: false, error: { code, message: expect.any(String) } },
});
/** The events of one handler key. */
const eventsOf = (seen: ReturnType<typeof recorder>['seen'], key: string): VobizEvent[] =>
  seen.filter((entry) => entry.key === key).map((entry) => entry.event);

describe('metaWebhook: a batch is one event per item', () => {
  it('lists every event on the result, in body order, the first as result.event', async () => {
    const { body, items } = batchedMetaBody();
    const { send: post } = receiving();
    const result = await post(body);
    expect(result.answer).toEqual(ok);
    expect(result.events?.map((event) => event.event_id)).toEqual(items.map((item) => item.event_id));
    result.events?.forEach((event, i) => expectBatchItem(event, items[i]!));
    expect(result.event).toBe(result.events?.[0]);
  });

  it('answers duplicate only when every item was one: a resend with one new item is handled as new', async () => {
    const { send: post, seen } = receiving();
    const first = text();
    expect((await post(metaBody([messagesChange({ messages: [first] })]))).answer).toEqual(ok);
    expect((await post(metaBody([messagesChange({ messages: [first] })]))).answer).toEqual(duplicate);
    const added = text();
    expect((await post(metaBody([messagesChange({ messages: [first, added] })]))).answer).toEqual(ok);
    expect(eventsOf(seen, 'message.inbound').map((event) => event.event_id)).toEqual([first.id, added.id]);
  });

  it('a resend is a duplicate also when an item of it has no handler (nothing was recorded for it)', async () => {
    const messages = recorder();
    const { send: post } = receiving({ on: messages.on('message.inbound') });
    const status = { id: 'wamid.unit.status', status: 'read', timestamp: seconds(), recipient_id: '16505551234' };
    const body = metaBody([messagesChange({ messages: [text()], statuses: [status] })]);
    expect((await post(body)).answer).toEqual(ok);
    expect((await post(body)).answer).toEqual(duplicate);
    expect(messages.seen).toHaveLength(1);
    // Nothing handles either item: each delivery is acknowledged as new, since nothing is recorded.
    const { send: unhandled } = receiving({ on: recorder().on('call.connect') });
    expect((await unhandled(body)).answer).toEqual(ok);
    expect((await unhandled(body)).answer).toEqual(ok);
  });

  it('the first failure is the answer, and every item after it is still handled', async () => {
    const [stale, failing, fine] = [text({ timestamp: seconds(8 * DAY) }), text(), text()];
    const attempted: unknown[] = [];
    const { send: post } = receiving({
      on: {
        'message.inbound': (event) => {
          attempted.push(event.event_id);
          if (event.event_id === failing.id) throw new Error('database down');
        },
      },
    });
    const body = metaBody([messagesChange({ messages: [stale, failing, fine] })]);
    const result = await post(body);
    expect(result.answer).toEqual(refused(400, 'stale_event'));
    expect(attempted).toEqual([failing.id, fine.id]);
    // The refusal still lists every event the body held.
    expect(result.events?.map((event) => event.event_id)).toEqual([stale.id, failing.id, fine.id]);
  });

  it('an empty entry list is acknowledged with no event', async () => {
    const { send: post, seen } = receiving();
    const result = await post({ object: 'whatsapp_business_account', entry: [] });
    expect(result.answer).toEqual(ok);
    expect(result.events).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('an entry whose id or changes are null is read as without them, not refused', async () => {
    const { send: post, seen } = receiving();
    const message = text();
    const withNullId = await post(metaBody([messagesChange({ messages: [message] })], { id: null }));
    expect(withNullId.answer).toEqual(ok);
    expect(withNullId.events?.map((event) => [event.event_type, event.account_id])).toEqual([['message.inbound', '']]);
    const withNullChanges = await post({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: null }] });
    expect(withNullChanges.answer).toEqual(ok);
    expect(withNullChanges.events?.map((event) => event.event_type)).toEqual(['meta.entry']);
    expect(eventsOf(seen, 'message.inbound').map((event) => event.event_id)).toEqual([message.id]);
  });

  it.each([
    { body: 'no entry', value: { object: 'whatsapp_business_account' } },
    { body: 'an entry that is not a list', value: { object: 'whatsapp_business_account', entry: {} } },
    { body: 'a change without a field', value: { entry: [{ id: WABA, changes: [{ value: {} }] }] } },
    { body: "Vobiz's envelope", value: createTestEvent('message.inbound') },
  ])('$body is 400 invalid_envelope', async ({ value }) => {
    const { send: post, seen } = receiving();
    expect((await post(value)).answer).toEqual(refused(400, 'invalid_envelope'));
    expect(seen).toEqual([]);
  });
});

describe('metaWebhook: dedupe keys', () => {
  it('messages by id, statuses by id and status, calls by id and event', async () => {
    const status = { id: 'wamid.out.1', status: 'read', timestamp: seconds(), recipient_id: '16505551234' };
    const call = { id: 'wacid.1', from: '16505551234', event: 'connect', timestamp: seconds() };
    const message = text();
    const result = await receiving().send(
      metaBody([messagesChange({ messages: [message], statuses: [status] }), ['calls', { calls: [call] }]]),
    );
    expect(result.events?.map((event) => [event.event_type, event.event_id])).toEqual([
      ['message.inbound', message.id],
      ['message.status', 'wamid.out.1:read'],
      ['call.connect', 'wacid.1:connect'],
    ]);
  });

  it('the read and the delivered status of one message are two events', async () => {
    const { send: post, seen } = receiving();
    const status = (value: string) => ({ id: 'wamid.out.2', status: value, timestamp: seconds() });
    await post(metaBody([messagesChange({ statuses: [status('delivered')] })]));
    expect((await post(metaBody([messagesChange({ statuses: [status('read')] })]))).answer).toEqual(ok);
    expect(eventsOf(seen, 'message.status')).toHaveLength(2);
  });

  describe('items without an id get a key from a hash of their content', () => {
    const anonymous = { from: '16505551234', timestamp: seconds(), type: 'text', text: { body: 'no id' } };
    const body = (item: Json) => metaBody([messagesChange({ messages: [item] })]);

    it('stable: the same item has the same key on every receiver and platform', async () => {
      const node = await receiving().send(body(anonymous));
      const web = await receiving({}, (options) => createReceiverWith(webPlatform, resolveMetaOptions(options))).send(
        body(anonymous),
      );
      const key = node.event?.event_id;
      expect(key).toMatch(new RegExp(`^meta\\.messages:${WABA}:[0-9a-f]{28}$`));
      expect(web.event?.event_id).toBe(key);
    });

    it('a resend is a duplicate; other content is another key', async () => {
      const { send: post, seen } = receiving();
      expect((await post(body(anonymous))).answer).toEqual(ok);
      expect((await post(body(anonymous))).answer).toEqual(duplicate);
      const other = await post(body({ ...anonymous, text: { body: 'also no id' } }));
      expect(other.answer).toEqual(ok);
      expect(eventsOf(seen, 'message.inbound')).toHaveLength(2);
    });

    it('statuses and calls without the parts of their key are hashed too', async () => {
      const status = { status: 'sent', timestamp: seconds() };
      const call = { id: 'wacid.2', timestamp: seconds() };
      const result = await receiving().send(
        metaBody([messagesChange({ statuses: [status] }), ['calls', { calls: [call] }]]),
      );
      expect(
        result.events?.map((event) => [event.event_type, event.event_id.split(':').slice(0, 2).join(':')]),
      ).toEqual([
        ['message.status', `meta.statuses:${WABA}`],
        ['call.unknown', `meta.calls:${WABA}`],
      ]);
    });
  });

  it('a change of another field, or with no items, is one meta.<field> event keyed by its content', async () => {
    const { send: post, seen } = receiving();
    const quality = { display_phone_number: METADATA.display_phone_number, event: 'FLAGGED', current_limit: 'TIER_1K' };
    const errorsOnly = { messaging_product: 'whatsapp', errors: [{ code: 131000, title: 'Something went wrong' }] };
    const body = metaBody([
      ['phone_number_quality_update', quality],
      ['messages', errorsOnly],
    ]);
    expect((await post(body)).answer).toEqual(ok);
    expect(seen.map((entry) => [entry.key, entry.event.event_type, entry.event.payload])).toEqual([
      ['*', 'meta.phone_number_quality_update', quality],
      ['*', 'meta.messages', errorsOnly],
    ]);
    expect((await post(body)).answer).toEqual(duplicate);
  });
});

describe('metaWebhook: contacts', () => {
  const ana = { profile: { name: 'Ana' }, wa_id: '16505551234' };
  const ben = { profile: { name: 'Ben' }, wa_id: '16505559876' };
  const run = async (value: Json) =>
    (await receiving().send(metaBody([messagesChange(value)]))).events?.map((event) => contactsOf(event));

  it("each message gets the contact with its sender's wa_id, whatever the order", async () => {
    const messages = [text({ from: ben.wa_id }), text({ from: ana.wa_id })];
    expect(await run({ contacts: [ana, ben], messages })).toEqual([[ben], [ana]]);
  });

  it('contacts without a matching wa_id pair up by position when the counts agree', async () => {
    const [first, second] = [{ profile: { name: 'First' } }, { profile: { name: 'Second' } }];
    expect(await run({ contacts: [first, second], messages: [text(), text()] })).toEqual([[first], [second]]);
  });

  it('no contact when none matches and the counts differ', async () => {
    expect(await run({ contacts: [ben], messages: [text({ from: ana.wa_id }), text({ from: '1' })] })).toEqual([
      [],
      [],
    ]);
  });
});

describe('metaWebhook: when an item occurred', () => {
  const occurred = async (item: Json, entry: Json = {}) =>
    (await receiving({ maxEventAgeMs: false }).send(metaBody([messagesChange({ messages: [item] })], entry))).event
      ?.occurred_at;

  it.each([
    { from: 'unix seconds in a string', timestamp: '1717000000', expected: isoOf(1717000000) },
    { from: 'unix seconds as a number', timestamp: 1717000000, expected: isoOf(1717000000) },
    { from: 'milliseconds', timestamp: 1717000000123, expected: '2024-05-29T16:26:40.123Z' },
  ])("the item's timestamp in $from", async ({ timestamp, expected }) => {
    expect(await occurred(text({ timestamp }), { time: 1600000000 })).toBe(expected);
  });

  it("the entry's time when the item has none", async () => {
    expect(await occurred(text({ timestamp: undefined }), { time: 1717000000 })).toBe(isoOf(1717000000));
  });

  it('the moment it arrived when neither has one', async () => {
    const before = Date.now();
    const at = Date.parse((await occurred(text({ timestamp: 'soon' }))) as string);
    expect(at).toBeGreaterThanOrEqual(before - 1);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it('by default an item 8 days old is stale and one 6 days old is not (Meta retries for 7 days)', async () => {
    const { send: post, seen } = receiving();
    const old = text({ timestamp: seconds(8 * DAY) });
    const recent = text({ timestamp: seconds(6 * DAY) });
    expect((await post(metaBody([messagesChange({ messages: [old] })]))).answer).toEqual(refused(400, 'stale_event'));
    expect((await post(metaBody([messagesChange({ messages: [recent] })]))).answer).toEqual(ok);
    expect(eventsOf(seen, 'message.inbound').map((event) => event.event_id)).toEqual([recent.id]);
  });

  it('maxEventAgeMs narrows the window', async () => {
    const { send: post } = receiving({ maxEventAgeMs: DAY });
    const body = metaBody([messagesChange({ messages: [text({ timestamp: seconds(2 * DAY) })] })]);
    expect((await post(body)).answer).toEqual(refused(400, 'stale_event'));
  });
});

describe('metaWebhook: calls', () => {
  it.each(['connect', 'terminate'])("call %s reaches 'call.%s', then 'call.*' and '*'", async (name) => {
    const { send: post, seen, keys } = receiving();
    const body = createTestEvent(`call.${name}`, { format: 'meta' });
    const result = await post(body);
    expect(result.answer).toEqual(ok);
    expect(keys()).toEqual([`call.${name}`, 'call.*', '*']);
    expect(seen[0]!.event.event_id).toBe(`${body.entry[0]!.changes[0]!.value.calls![0]!.id}:${name}`);
  });

  it('statuses under the calls field are call.status_change, keyed by id and status', async () => {
    const statuses = [
      { id: 'wacid.3', type: 'call', status: 'RINGING', timestamp: seconds() },
      { id: 'wacid.3', type: 'call', status: 'ACCEPTED', timestamp: seconds() },
    ];
    const { send: post, seen } = receiving();
    const result = await post(metaBody([['calls', { messaging_product: 'whatsapp', statuses }]]));
    expect(result.events?.map((event) => [event.event_type, event.event_id])).toEqual([
      ['call.status_change', 'wacid.3:RINGING'],
      ['call.status_change', 'wacid.3:ACCEPTED'],
    ]);
    expect(eventsOf(seen, 'call.*')).toHaveLength(2);
  });
});

describe('metaWebhook: queue mode', () => {
  function memoryQueue(fails: (event: VobizEvent) => boolean = () => false) {
    const queued: Array<{ type: string; key: string }> = [];
    const queue: EventQueue = {
      async enqueue(event, key) {
        if (fails(event)) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        queued.push({ type: event.event_type, key });
      },
    };
    return { queue, queued };
  }
  const queueReceiver = (queue: EventQueue) =>
    createMetaReceiver({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, logger: false, queue });

  it('enqueues each item once, with its own key; the resend enqueues nothing', async () => {
    const { queue, queued } = memoryQueue();
    const receiver = queueReceiver(queue);
    const { body, items } = batchedMetaBody();
    expect((await send(receiver, body)).answer).toEqual(ok);
    expect(queued).toEqual(items.map((item) => ({ type: item.key, key: item.event_id })));
    expect((await send(receiver, body)).answer).toEqual(duplicate);
    expect(queued).toHaveLength(items.length);
  });

  it('an item the queue does not take is 503, and the resend enqueues only that item', async () => {
    const { body, items } = batchedMetaBody();
    let down = true;
    const { queue, queued } = memoryQueue((event) => down && event.event_id === items[2]!.event_id);
    const receiver = queueReceiver(queue);
    expect((await send(receiver, body)).answer).toEqual(refused(503, 'queue_unavailable'));
    expect(queued.map((entry) => entry.key)).toEqual(items.filter((_, i) => i !== 2).map((item) => item.event_id));
    down = false;
    expect((await send(receiver, body)).answer).toEqual(ok);
    expect(queued.map((entry) => entry.key).slice(4)).toEqual([items[2]!.event_id]);
  });
});

describe('metaWebhook: construction', () => {
  it('requires verifyToken, naming where it is entered', () => {
    expect(() => createMetaReceiver({ appSecret: APP_SECRET, on: {} } as unknown as MetaWebhookOptions)).toThrow(
      /`verifyToken` is required for metaWebhook: the Verify Token you enter with the callback URL/,
    );
    expect(() => createMetaReceiver({ appSecret: APP_SECRET, verifyToken: '', on: {} })).toThrow(TypeError);
  });

  it('refuses a verifyToken with leading or trailing whitespace, which no handshake would match', () => {
    for (const verifyToken of [`${VERIFY_TOKEN}\n`, ` ${VERIFY_TOKEN}`]) {
      expect(() => createMetaReceiver({ appSecret: APP_SECRET, verifyToken, on: {} })).toThrow(
        /`verifyToken` has leading or trailing whitespace.*trim it where it is loaded/,
      );
    }
  });

  it('takes appSecret, not secret', () => {
    const options = { secret: APP_SECRET, verifyToken: VERIFY_TOKEN, on: {} } as unknown as MetaWebhookOptions;
    expect(() => createMetaReceiver(options)).toThrow(/metaWebhook takes `appSecret`/);
  });

  it('defaults to /webhooks/meta and answers a POST without a signature 401 naming X-Hub-Signature-256', async () => {
    const { receiver } = receiving();
    expect(receiver.path).toBe('/webhooks/meta');
    const result = await receiver.receive({ method: 'POST', headers: {}, rawBody: JSON.stringify(metaBody([])) });
    expect(result.status).toBe(401);
    expect(JSON.parse(result.body).error.message).toContain('X-Hub-Signature-256');
  });
});

describe('metaWebhook: bodies that could lose or repeat an item', () => {
  it("routes a field named like an Object.prototype member as meta.<field>, beside the body's messages", async () => {
    const { send: post, seen } = receiving();
    const message = text();
    const body = metaBody([
      ['constructor', { a: 1 }],
      ['__proto__', { b: 2 }],
      messagesChange({ messages: [message] }),
    ]);
    expect((await post(body)).answer).toEqual(ok);
    expect(eventsOf(seen, 'message.inbound').map((event) => event.event_id)).toEqual([message.id]);
    expect(eventsOf(seen, '*').map((event) => event.event_type)).toEqual([
      'meta.constructor',
      'meta.__proto__',
      'message.inbound',
    ]);
  });

  it('handles an identical notification sent again later (a new entry time) as new, and its resend as a duplicate', async () => {
    const { send: post, seen } = receiving();
    const value = { event: 'APPROVED', message_template_id: 1234, message_template_name: 'welcome' };
    const notice = (time: number) => metaBody([['message_template_status_update', value]], { time });
    expect((await post(notice(1_796_000_000))).answer).toEqual(ok);
    expect((await post(notice(1_796_000_000))).answer).toEqual(duplicate);
    expect((await post(notice(1_796_003_600))).answer).toEqual(ok);
    expect(eventsOf(seen, '*').map((event) => event.event_type)).toEqual([
      'meta.message_template_status_update',
      'meta.message_template_status_update',
    ]);
  });

  it("gives a status the contact of its recipient only, never a message's contact by position", async () => {
    const { send: post, seen } = receiving();
    const message = text({ from: 'A' });
    const status = { id: 'wamid.sent.1', status: 'delivered', timestamp: seconds(), recipient_id: 'B' };
    const contacts = [{ wa_id: 'A', profile: { name: 'Ana' } }];
    expect(
      (await post(metaBody([messagesChange({ contacts, messages: [message], statuses: [status] })]))).answer,
    ).toEqual(ok);
    expect(contactsOf(eventsOf(seen, 'message.inbound')[0]!)).toEqual(contacts);
    expect(contactsOf(eventsOf(seen, 'message.status')[0]!)).toEqual([]);
  });

  it('runs an item that appears twice in one body once, also when its handler fails', async () => {
    let runs = 0;
    const { send: post } = receiving({
      on: {
        'message.inbound': () => {
          runs++;
          throw new Error('down');
        },
      },
    });
    const message = text();
    expect((await post(metaBody([messagesChange({ messages: [message, message] })]))).answer).toEqual(
      refused(500, 'handler_failed'),
    );
    expect(runs).toBe(1);
  });

  it('keys a change nested too deeply to serialize by its place in the body: handled once, its resend a duplicate', async () => {
    const { receiver, seen } = receiving();
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const raw = `{"object":"whatsapp_business_account","entry":[{"id":"${WABA}","changes":[{"field":"deep","value":${deep}}]}]}`;
    const signed = signedRequest(raw, APP_SECRET, { format: 'meta' });
    const deliver = async () =>
      (await receiver.receive({ method: 'POST', headers: signed.headers, rawBody: signed.body })).body;
    expect(await deliver()).toBe('{"ok":true}');
    expect(await deliver()).toBe('{"ok":true,"duplicate":true}');
    expect(eventsOf(seen, '*').map((event) => event.event_type)).toEqual(['meta.deep']);
  });

  it("types and routes a handler for one of Meta's other fields", async () => {
    const changes: string[] = [];
    const { send: post } = receiving({
      on: {
        'meta.account_update': (event) => void changes.push(`${event.event_type} ${String(event.payload['event'])}`),
      },
    });
    expect((await post(metaBody([['account_update', { event: 'VERIFIED_ACCOUNT' }]]))).answer).toEqual(ok);
    expect(changes).toEqual(['meta.account_update VERIFIED_ACCOUNT']);
  });
});
