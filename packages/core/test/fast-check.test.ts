import fc from 'fast-check';
import { z } from 'zod';
import {
  callSchema,
  changeValueSchema,
  envelopeBaseSchema,
  messageSchema,
  metaObjectSchema,
  parseEnvelope,
  statusSchema,
  unknownPayloadSchema,
  whatsappPayloadSchema,
} from '@vobiz-webhooks/core';
import { createTestEvent, testMessageKinds } from '@vobiz-webhooks/core/testing';
import { generatesCode, vouches } from '../src/fast-check';

// parseEnvelope keeps a body it parsed itself as it came when the fast check vouches
// that zod accepts it and would return it unchanged but for key order; otherwise zod
// answers. So the check must never vouch for a value zod rejects or would change, and
// should vouch for every valid delivery (else the fast path is silently lost). This
// compares the two, in both builds of the check (generated code and closures), on every
// fixture and on random damage to them: reordered keys, missing and extra keys,
// `__proto__`, integer and Object.prototype key names, duplicate keys, wrong types,
// 1e400 (Infinity once parsed), arbitrary JSON in place of any node.

const SCHEMAS: Record<string, z.ZodType> = {
  metaObjectSchema,
  changeValueSchema,
  whatsappPayloadSchema,
  messageSchema,
  statusSchema,
  callSchema,
  unknownPayloadSchema,
  envelopeBaseSchema,
};
/** The schemas the fast path models whole (a union of objects and a record are zod's). */
const MODELED = new Set<z.ZodType>([metaObjectSchema, changeValueSchema, messageSchema, statusSchema, callSchema, envelopeBaseSchema]);
const MODES = ['auto', 'closures'] as const;

/** Checks the fast verdict against zod's; returns whether it vouched. */
function expectSameAnswer(schema: z.ZodType, text: string, mode: (typeof MODES)[number] = 'auto'): boolean {
  const value: unknown = JSON.parse(text);
  const vouched = vouches(schema, value, mode);
  // Checking never changes the value.
  expect(JSON.stringify(value)).toBe(JSON.stringify(JSON.parse(text)));
  if (vouched) {
    const zod = schema.safeParse(JSON.parse(text));
    expect(zod.success).toBe(true);
    // toEqual ignores key order, and only key order may differ.
    expect(value).toEqual(zod.data);
    expect(Object.keys(value as object).sort()).toEqual(Object.keys(zod.data as object).sort());
  }
  return vouched;
}

function expectBothBuilds(schema: z.ZodType, text: string): boolean {
  const [generated, closures] = MODES.map((mode) => expectSameAnswer(schema, text, mode));
  expect(closures).toBe(generated);
  return generated as boolean;
}

/** What parseEnvelope answers, with the event as a value (compared without regard to key order). */
function parseEnvelopeOutcome(input: unknown): unknown {
  try {
    return { ok: parseEnvelope(input) };
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { error: `${code} ${message}` };
  }
}

/** The fixtures, as Vobiz would send them: every event type, payload shape and message kind. */
function fixtureTexts(): string[] {
  const texts: string[] = [];
  const base = { event_id: 'evt-1', occurred_at: '2026-03-25T10:00:00Z' };
  for (const shape of ['meta', 'value'] as const) {
    for (const messageType of testMessageKinds) texts.push(JSON.stringify(createTestEvent('message.inbound', { ...base, shape, messageType })));
    for (const status of ['sent', 'delivered', 'read', 'failed', 'played', 'something_new']) {
      texts.push(JSON.stringify(createTestEvent('message.status', { ...base, shape, status })));
    }
    for (const type of ['call.connect', 'call.terminate', 'call.status_change', 'call.future_event']) {
      texts.push(JSON.stringify(createTestEvent(type, { ...base, shape })));
    }
  }
  texts.push(JSON.stringify(createTestEvent('account.updated', base)));
  return texts;
}

/** Every object and array the payload contains, each as JSON text, to test the leaf schemas on. */
function subtrees(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'object' && value !== null) {
    out.push(JSON.stringify(value));
    for (const child of Object.values(value)) subtrees(child, out);
  }
  return out;
}

describe('vouches (the fast validation path)', () => {
  const texts = fixtureTexts();

  it('runs as generated code here, and as closures where code generation is refused', () => {
    expect(generatesCode).toBe(true);
  });

  it('vouches for every fixture, payload and nested object that zod accepts, and for nothing zod rejects or changes', () => {
    let compared = 0;
    let vouched = 0;
    for (const text of texts) {
      const event = JSON.parse(text) as { payload: unknown };
      for (const part of [text, ...subtrees(event.payload)]) {
        for (const schema of Object.values(SCHEMAS)) {
          const yes = expectBothBuilds(schema, part);
          if (MODELED.has(schema) && schema.safeParse(JSON.parse(part)).success) expect(yes).toBe(true);
          compared++;
          if (yes) vouched++;
        }
      }
      expect(parseEnvelopeOutcome(text)).toEqual(parseEnvelopeOutcome(JSON.parse(text)));
    }
    expect(compared).toBeGreaterThan(1000);
    expect(vouched).toBeGreaterThan(300);
  });

  it('answers like zod where numbers overflow to Infinity and where keys are __proto__', () => {
    const base = JSON.stringify(createTestEvent('message.inbound', { event_id: 'evt-1', occurred_at: '2026-03-25T10:00:00Z', messageType: 'location' }));
    const variants = [
      base.replace(/"latitude":[^,]+/, '"latitude":1e400'),
      base.replace(/"longitude":[^,}]+/, '"longitude":-1e400'),
      base.replace('"changes":', '"time":1e400,"changes":'),
      base.replace('"changes":', '"time":1e308,"changes":'),
      base.replace('"type":"location"', '"type":"location","errors":[{"code":1e400}]'),
      base.replace('"type":"location"', '"type":"location","__proto__":{"polluted":true}'),
      base.replace('"messaging_product"', '"__proto__":null,"messaging_product"'),
    ];
    for (const text of variants) {
      expect(text).not.toBe(base);
      for (const schema of Object.values(SCHEMAS)) expectBothBuilds(schema, text);
      expectBothBuilds(metaObjectSchema, JSON.stringify(JSON.parse(text).payload).replace('"latitude":null', '"latitude":1e400'));
      expect(parseEnvelopeOutcome(text)).toEqual(parseEnvelopeOutcome(JSON.parse(text)));
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('handles a recursive schema (a later schema may have one) like zod', () => {
    const tree: z.ZodType = z.looseObject({
      name: z.string(),
      get children() {
        return z.array(tree).optional();
      },
    });
    for (const text of [
      '{"name":"a","children":[{"name":"b","x":1},{"children":[],"name":"c"}]}',
      '{"name":"a","children":[{"name":1}]}',
      '{"children":[{"name":"b"}]}',
    ]) {
      expectBothBuilds(tree, text);
    }
    expect(vouches(tree, JSON.parse('{"name":"a","children":[{"name":"b","x":1},{"children":[],"name":"c"}]}'))).toBe(true);
  });

  it('keeps the body as sent, key order included, when parsed from text; copies a caller’s object in zod’s order', () => {
    for (const text of texts) expect(JSON.stringify(parseEnvelope(text))).toBe(text);
    const contact = '{"profile":{"name":"Ana"},"zz":1,"wa_id":"1650"}';
    const text = JSON.stringify(createTestEvent('message.inbound', { event_id: 'evt-1', occurred_at: '2026-03-25T10:00:00Z' })).replace(
      /"contacts":\[[^\]]*\]/,
      `"contacts":[${contact}]`,
    );
    expect(text).toContain(contact);
    expect(JSON.stringify(parseEnvelope(text))).toBe(text);
    const caller = JSON.parse(text) as unknown;
    const copy = parseEnvelope(caller);
    expect(JSON.stringify(copy)).toContain('{"wa_id":"1650","profile":{"name":"Ana"},"zz":1}');
    expect(JSON.stringify(caller)).toBe(text);
  });

  it('asks zod when it cannot vouch: a __proto__ key is dropped as zod drops it', () => {
    const text = JSON.stringify(createTestEvent('message.inbound', { event_id: 'evt-1', occurred_at: '2026-03-25T10:00:00Z' })).replace(
      '"type":"text"',
      '"type":"text","__proto__":{"polluted":true}',
    );
    const event = parseEnvelope(text) as unknown as { payload: { entry: { changes: { value: { messages: object[] } }[] }[] } };
    const message = event.payload.entry[0]?.changes[0]?.value.messages[0] as object;
    expect(Object.hasOwn(message, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  // Random damage to the fixtures, serialized by hand so that keys can repeat, come in
  // any order, or be `__proto__` (JSON.parse makes that an own property).
  type Node = { object: [string, Node][] } | { array: Node[] } | { raw: string };
  const toNode = (value: unknown): Node => {
    if (Array.isArray(value)) return { array: value.map(toNode) };
    if (typeof value === 'object' && value !== null) return { object: Object.entries(value).map(([k, v]) => [k, toNode(v)]) };
    return { raw: JSON.stringify(value) };
  };
  const serialize = (node: Node): string =>
    'object' in node
      ? `{${node.object.map(([key, child]) => `${JSON.stringify(key)}:${serialize(child)}`).join(',')}}`
      : 'array' in node
        ? `[${node.array.map(serialize).join(',')}]`
        : node.raw;
  const containers = (node: Node, out: Node[] = []): Node[] => {
    if ('object' in node) {
      out.push(node);
      for (const [, child] of node.object) containers(child, out);
    } else if ('array' in node) {
      out.push(node);
      for (const child of node.array) containers(child, out);
    }
    return out;
  };

  const keyArb = fc.constantFrom('__proto__', '0', '12', 'constructor', 'toString', 'extra', 'text', 'id', 'from', 'type', 'entry', 'contacts', 'messages', 'wa_id', 'profile', 'status', 'event', 'payload', 'field', 'value');
  const valueArb: fc.Arbitrary<Node> = fc.oneof(
    fc.constantFrom<Node>({ raw: 'null' }, { raw: '1e400' }, { raw: '-0' }, { raw: 'true' }, { raw: '"x"' }, { raw: '42' }, { object: [] }, { array: [] }),
    fc.jsonValue({ maxDepth: 2 }).map(toNode),
  );
  const damageArb = fc.record({ op: fc.integer({ min: 0, max: 5 }), pick: fc.nat(), index: fc.nat(), key: keyArb, value: valueArb });

  interface Damage {
    op: number;
    pick: number;
    index: number;
    key: string;
    value: Node;
  }
  function damage(root: Node, steps: Damage[]): void {
    for (const { op, pick, index, key, value: generated } of steps) {
      // A copy per use: a node inserted twice must not end up inside itself.
      const value = structuredClone(generated);
      const all = containers(root);
      const node = all[pick % all.length] as Node;
      if ('object' in node) {
        const entries = node.object;
        const at = entries.length === 0 ? 0 : index % entries.length;
        if (op === 0) entries.reverse();
        else if (op === 1 && entries.length > 0) entries.splice(at, 1);
        else if (op === 2) entries.splice(at, 0, [key, value]);
        else if (op === 3 && entries.length > 0) (entries[at] as [string, Node])[1] = value;
        else if (op === 4 && entries.length > 0) entries.push([(entries[at] as [string, Node])[0], value]);
        else entries.push([key, value]);
      } else if ('array' in node) {
        const items = node.array;
        if (op <= 1 && items.length > 0) items.splice(index % items.length, 1);
        else if (op <= 3 && items.length > 0) items[index % items.length] = value;
        else items.push(value);
      }
    }
  }

  it('answers like zod for randomly damaged deliveries, and parseEnvelope gives the same result either way', () => {
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(damageArb, { minLength: 1, maxLength: 6 }), (which, steps) => {
        const root = toNode(JSON.parse(texts[which] as string));
        damage(root, steps);
        const text = serialize(root);
        const event = JSON.parse(text) as { payload?: unknown } | null;
        const payload = typeof event === 'object' && event !== null && 'payload' in event ? JSON.stringify(event.payload) ?? 'null' : 'null';
        for (const schema of Object.values(SCHEMAS)) {
          expectBothBuilds(schema, text);
          expectBothBuilds(schema, payload);
        }
        expect(parseEnvelopeOutcome(text)).toEqual(parseEnvelopeOutcome(JSON.parse(text)));
      }),
      { numRuns: 1500 },
    );
  });
});
