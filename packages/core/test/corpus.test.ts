import { createReceiver, type Logger, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import {
  changeValuesOf,
  corpus,
  HELPERS,
  type CorpusCounts,
  type CorpusEntry,
} from '@vobiz-webhooks/test-suites/corpus';

// Every corpus payload, in every shape Vobiz may wrap it in, through the real receive
// pipeline: accepted as sent, handed over untouched, and read back completely by the
// payload helpers. The expectation comes from the fixture's counts and from a walk of
// the payload written here, never from the library under test.

const SECRET = 'whsec_corpus_5c1e9d02a7';

type Found = Record<keyof CorpusCounts, unknown[]>;

const KEYS = Object.keys(HELPERS) as (keyof CorpusCounts)[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const listIn = (value: Record<string, unknown>, key: string): unknown[] => {
  const list = value[key];
  return Array.isArray(list) ? list : [];
};

/** The change values as Meta's format defines them: every `entry[].changes[].value`, or the body itself. */
function valuesIn(payload: Record<string, unknown>): Record<string, unknown>[] {
  if (!Array.isArray(payload.entry)) return [payload];
  const values: Record<string, unknown>[] = [];
  for (const entry of payload.entry) {
    if (!isRecord(entry)) continue;
    for (const change of listIn(entry, 'changes')) {
      if (isRecord(change) && isRecord(change.value)) values.push(change.value);
    }
  }
  return values;
}

/** What each helper should return, item by item, in payload order. */
function walk(payload: Record<string, unknown>): Found {
  const found: Found = { messages: [], statuses: [], calls: [], contacts: [], errors: [], messageEchoes: [] };
  for (const value of valuesIn(payload)) {
    found.messages.push(...listIn(value, 'messages'));
    found.statuses.push(...listIn(value, 'statuses'));
    found.calls.push(...listIn(value, 'calls'));
    found.contacts.push(...listIn(value, 'contacts'));
    // Errors outside messages and statuses: the value's own, then each call's.
    found.errors.push(...listIn(value, 'errors'));
    for (const call of listIn(value, 'calls')) if (isRecord(call)) found.errors.push(...listIn(call, 'errors'));
    found.messageEchoes.push(...listIn(value, 'message_echoes'));
  }
  return found;
}

const countsOf = (found: Found): CorpusCounts =>
  Object.fromEntries(KEYS.map((key) => [key, found[key].length])) as unknown as CorpusCounts;

const isVariant = (entry: CorpusEntry): boolean => entry.name.startsWith('variant-');

const zero = (): CorpusCounts => ({ messages: 0, statuses: 0, calls: 0, contacts: 0, errors: 0, messageEchoes: 0 });

/**
 * Signs and receives one delivery of `payload` under the fixture's event type, asserts it was accepted
 * and handed over exactly once and untouched, and returns what the helpers read from it.
 * A payload shaped as Meta documents it must not make the library complain; a real-sender
 * variant may be reported as a warning, never as an error.
 */
async function deliver(entry: CorpusEntry, payload: Record<string, unknown>, label: string): Promise<Found> {
  const { eventType } = entry;
  const seen: VobizEvent[] = [];
  const logged: unknown[][] = [];
  const logger: Logger = {
    warn: (...args) => void logged.push(['warn', ...args]),
    error: (...args) => void logged.push(['error', ...args]),
  };
  const receiver = createReceiver({ secret: SECRET, logger, on: { '*': (event) => void seen.push(event) } });
  const { body, headers } = signedRequest(createTestEvent(eventType, { payload }), SECRET);
  const result = await receiver.receive({ method: 'POST', headers, rawBody: body });

  // The refusal's message is in the comparison so a failure says why it was refused.
  expect({ label, status: result.status, body: result.body, refusal: result.error?.message }).toEqual({
    label,
    status: 200,
    body: '{"ok":true}',
    refusal: undefined,
  });
  expect(logged.filter(([level]) => level === 'error')).toEqual([]);
  if (!isVariant(entry)) expect(logged).toEqual([]);
  expect(seen).toHaveLength(1);
  const event = seen[0] as VobizEvent;
  expect(event.event_type).toBe(eventType);
  expect(event.payload).toStrictEqual(payload);
  return Object.fromEntries(KEYS.map((key) => [key, HELPERS[key](event)])) as unknown as Found;
}

/** Delivers the payload whole and checks the helpers against the fixture's counts and the walk. */
async function expectWholePayload(entry: CorpusEntry): Promise<void> {
  const found = await deliver(entry, entry.payload, `${entry.shape}/${entry.name}`);
  expect(countsOf(found)).toEqual(entry.expect);
  expect(found).toStrictEqual(walk(entry.payload));
}

const cloud = corpus.filter((entry) => entry.shape === 'cloud-api');
const onPremises = corpus.filter((entry) => entry.shape === 'on-premises');

describe('the payload corpus', () => {
  it('has the promised breadth: 110+ Cloud API payloads, 8+ on-premises bodies, unique names', () => {
    expect(cloud.length).toBeGreaterThanOrEqual(110);
    expect(onPremises.length).toBeGreaterThanOrEqual(8);
    expect(cloud.filter(isVariant).length).toBeGreaterThanOrEqual(25);
    for (const shape of [cloud, onPremises]) expect(new Set(shape.map((entry) => entry.name)).size).toBe(shape.length);
  });

  it.each(corpus)('$shape/$name: its expect counts match a walk of its payload', (entry) => {
    expect(countsOf(walk(entry.payload))).toEqual(entry.expect);
  });

  it.each(corpus)('$shape/$name: changeValuesOf gives every change value in order', (entry) => {
    expect(changeValuesOf(entry)).toStrictEqual(valuesIn(entry.payload));
  });
});

describe.each(cloud)('cloud-api/$name', (entry) => {
  it(`as the whole Meta object: ${entry.description}`, async () => {
    await expectWholePayload(entry);
  });

  it('as each change value on its own, one delivery per value', async () => {
    const total = zero();
    const values = changeValuesOf(entry);
    for (const [index, value] of values.entries()) {
      const found = await deliver(entry, value, `cloud-api/${entry.name} value ${index + 1}/${values.length}`);
      expect(found).toStrictEqual(walk(value));
      for (const key of KEYS) total[key] += found[key].length;
    }
    expect(total).toEqual(entry.expect);
  });
});

describe.each(onPremises)('on-premises/$name', (entry) => {
  it(`as the body itself: ${entry.description}`, async () => {
    await expectWholePayload(entry);
  });
});
