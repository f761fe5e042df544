import {
  createReceiver,
  duration,
  memoryDedupeStore,
  type DedupeStore,
  type InlineOptions,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';

// Misconfiguration fails at construction, with the fix in the message: never on the
// first delivery, and never silently (a store that forgets too soon handles replays twice).

const SECRET = 'whsec_options_unit_3a1c';
const HOUR = 3_600_000;
const build = (options: Partial<InlineOptions>) =>
  createReceiver({ secret: SECRET, logger: false, on: { '*': () => undefined }, ...options } as VobizWebhookOptions);

describe('resolving the options', () => {
  it.each([
    ['maxEventAgeMs', Infinity],
    ['maxEventAgeMs', 1.5],
    ['maxEventAgeMs', 0],
    ['dedupeTtlMs', Infinity],
    ['dedupeTtlMs', Number.NaN],
    ['leaseMs', 1e21],
    ['leaseMs', -1],
    ['leaseMs', '60000'],
    ['storeTimeoutMs', 0],
    ['storeTimeoutMs', Infinity],
    ['storeTimeoutMs', 2 ** 31],
    ['maxBodyBytes', Infinity],
    ['maxBodyBytes', 1024.5],
  ])('refuses %s = %p: durations and sizes are positive safe integers', (name, value) => {
    expect(() => build({ [name]: value })).toThrow(new RegExp(`\`${name}\` must be a positive whole number`));
  });

  it('refuses storeTimeoutMs with dedupe: false: there is no store for it to bound', () => {
    expect(() => build({ dedupe: false, storeTimeoutMs: 1_000 })).toThrow(/`storeTimeoutMs` bounds the dedupe store/);
    expect(() => build({ storeTimeoutMs: 1_000 })).not.toThrow();
  });

  it('accepts maxEventAgeMs: false, where it is documented', () => {
    expect(() => build({ maxEventAgeMs: false })).not.toThrow();
  });

  it('remembers a handled event for the whole accepted window by default: the age window plus 5 minutes ahead', async () => {
    const ttls: number[] = [];
    const inner = memoryDedupeStore();
    const store: DedupeStore = {
      claim: (key, leaseMs, token) => inner.claim(key, leaseMs, token),
      complete: (key, ttlMs, token) => (ttls.push(ttlMs), inner.complete(key, ttlMs, token)),
      release: (key, token) => inner.release(key, token),
    };
    const { createTestEvent, signedRequest } = await import('@vobiz-webhooks/core/testing');
    const receiver = build({ dedupe: store, maxEventAgeMs: 7 * 24 * HOUR });
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    expect((await receiver.receive({ method: 'POST', headers, rawBody: body })).status).toBe(200);
    expect(ttls).toEqual([7 * 24 * HOUR + 5 * 60_000]);
  });

  it('refuses a dedupeTtlMs shorter than the accepted window, saying what to set', () => {
    expect(() => build({ maxEventAgeMs: 7 * 24 * HOUR, dedupeTtlMs: 48 * HOUR })).toThrow(
      /dedupeTtlMs.*shorter than the accepted window.*handled twice.*at least 605100000/s,
    );
    expect(() => build({ dedupeTtlMs: 48 * HOUR })).toThrow(/shorter than the accepted window/);
    expect(() => build({ dedupeTtlMs: 48 * HOUR + 5 * 60_000 })).not.toThrow();
    // A short one is said in its own unit, not as '0 h'.
    expect(() => build({ dedupeTtlMs: 1000 })).toThrow(/`dedupeTtlMs` \(1 s\) is shorter/);
  });

  it.each([
    [48 * HOUR, '48 h'],
    [90 * 60_000, '1.5 h'],
    [30 * 60_000, '30 min'],
    [2500, '2.5 s'],
    [500, '500 ms'],
    [59_999, '1 min'],
    [3_599_999, '1 h'],
  ])('says %i ms as %s in messages', (ms, said) => {
    expect(duration(ms)).toBe(said);
  });

  it('refuses a store that would forget a handled event while a replay is still accepted', () => {
    const store = memoryDedupeStore({ ttlMs: 48 * HOUR });
    expect(() => build({ dedupe: store, maxEventAgeMs: 7 * 24 * HOUR })).toThrow(
      /dedupe store keeps a handled event for at most 48 h.*longer ttlMs/s,
    );
    expect(() =>
      build({ dedupe: memoryDedupeStore({ ttlMs: 8 * 24 * HOUR }), maxEventAgeMs: 7 * 24 * HOUR }),
    ).not.toThrow();
    expect(() => build({ dedupe: memoryDedupeStore(), maxEventAgeMs: 30 * 24 * HOUR })).not.toThrow();
  });

  it('refuses a dedupeKey that is not a function', () => {
    expect(() => build({ dedupeKey: 'event_id' as never })).toThrow(/`dedupeKey` must be a function/);
  });
});
