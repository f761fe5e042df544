import { createReceiver, memoryDedupeStore } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

// The in-memory store's own guarantees; the DedupeStore contract shared with the Redis
// store runs in dedupe-contract.test.ts.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SECRET = 'whsec_memory_store_4c1a';

// Each claim under its own token, as the receiver makes them.
let tokens = 0;
const token = () => `token-${++tokens}`;

afterEach(() => {
  jest.useRealTimers();
});

describe('memoryDedupeStore', () => {
  it('claim → processing for copies → complete → done', () => {
    const store = memoryDedupeStore();
    const mine = token();
    expect(store.claim('e1', MINUTE, mine)).toBe('claimed');
    expect(store.claim('e1', MINUTE, token())).toBe('processing');
    store.complete('e1', MINUTE, mine);
    expect(store.claim('e1', MINUTE, token())).toBe('done');
    expect(store.claim('e2', MINUTE, token())).toBe('claimed');
  });

  it('release drops a processing claim so the retry is claimed again', () => {
    const store = memoryDedupeStore();
    const mine = token();
    expect(store.claim('e1', MINUTE, mine)).toBe('claimed');
    store.release('e1', mine);
    expect(store.claim('e1', MINUTE, token())).toBe('claimed');
  });

  it('release never drops a done marker, and releasing an unknown key is harmless', () => {
    const store = memoryDedupeStore();
    const mine = token();
    store.claim('e1', MINUTE, mine);
    store.complete('e1', MINUTE, mine);
    store.release('e1', mine);
    expect(store.claim('e1', MINUTE, token())).toBe('done');
    expect(() => store.release('never-seen', token())).not.toThrow();
    expect(store.size).toBe(1);
  });

  it('a lease expires (a crashed process), and the next copy claims it', () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore();
    expect(store.claim('e1', 1_000, token())).toBe('claimed');
    jest.advanceTimersByTime(999);
    expect(store.claim('e1', 1_000, token())).toBe('processing');
    jest.advanceTimersByTime(2);
    expect(store.claim('e1', 1_000, token())).toBe('claimed');
  });

  it('two copies in one process after a lease expiry: neither drops the other one’s claim', () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore();
    const [first, second] = [token(), token()];
    expect(store.claim('e1', 1_000, first)).toBe('claimed');
    jest.advanceTimersByTime(1_001);
    expect(store.claim('e1', MINUTE, second)).toBe('claimed');
    // The first copy's handler ends long after its lease: failing, then (a retry of it) succeeding.
    store.release('e1', first);
    expect(store.claim('e1', MINUTE, token())).toBe('processing');
    store.complete('e1', DAY, first);
    expect(store.claim('e1', MINUTE, token())).toBe('processing');
    store.release('e1', second);
    expect(store.claim('e1', MINUTE, token())).toBe('claimed');
  });

  it('a done marker lasts its ttl, then the key is new again', () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore();
    const mine = token();
    store.claim('e1', 1_000, mine);
    store.complete('e1', 10_000, mine);
    jest.advanceTimersByTime(9_999);
    expect(store.claim('e1', 1_000, token())).toBe('done');
    jest.advanceTimersByTime(2);
    expect(store.claim('e1', 1_000, token())).toBe('claimed');
  });

  it('without ttlMs it has no cap: a done marker lasts the ttl it was given, however far beyond 48 h', () => {
    // A receiver accepting events up to 7 days old: a replay at 72 h must still be a duplicate.
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore();
    // No cap to report: the receiver checks its age window only against a store that has one.
    expect('maxTtlMs' in store).toBe(false);
    const mine = token();
    store.claim('e1', MINUTE, mine);
    store.complete('e1', 7 * DAY, mine);
    jest.advanceTimersByTime(72 * HOUR);
    expect(store.claim('e1', MINUTE, token())).toBe('done');
    jest.advanceTimersByTime(4 * DAY - 1);
    expect(store.claim('e1', MINUTE, token())).toBe('done');
    jest.advanceTimersByTime(2);
    expect(store.claim('e1', MINUTE, token())).toBe('claimed');
  });

  it('an explicit ttlMs caps the ttl a caller asks for, and is exposed as maxTtlMs', () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore({ ttlMs: 5_000 });
    expect(store.maxTtlMs).toBe(5_000);
    const mine = token();
    store.claim('e1', 1_000, mine);
    store.complete('e1', 48 * HOUR, mine);
    jest.advanceTimersByTime(4_999);
    expect(store.claim('e1', 1_000, token())).toBe('done');
    jest.advanceTimersByTime(2);
    expect(store.claim('e1', 1_000, token())).toBe('claimed');
    // A ttl shorter than the cap is kept as given.
    store.complete('e2', 1_000, token());
    jest.advanceTimersByTime(1_001);
    expect(store.claim('e2', 1_000, token())).toBe('claimed');
  });

  it('never holds more than maxEntries entries when claims finish, forgetting the oldest first', () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore({ maxEntries: 100, logger: false });
    for (let i = 0; i < 1_000; i++) {
      const mine = token();
      // Half complete; the other half crash, their 1 s lease running out 100 deliveries later.
      store.claim(`e${i}`, 1_000, mine);
      if (i % 2 === 0) store.complete(`e${i}`, MINUTE, mine);
      expect(store.size).toBeLessThanOrEqual(100);
      jest.advanceTimersByTime(10);
    }
    expect(store.size).toBe(100);
    expect(store.claim('e998', MINUTE, token())).toBe('done');
    expect(store.claim('e999', MINUTE, token())).toBe('processing');
    expect(store.claim('e0', MINUTE, token())).toBe('claimed');
    expect(store.size).toBe(100);
  });

  it('forgets the oldest finished entry first; complete() marks in place, and re-adds a key already forgotten', () => {
    const store = memoryDedupeStore({ maxEntries: 3, logger: false });
    const [a, b, c, d] = [token(), token(), token(), token()];
    store.claim('a', MINUTE, a);
    store.claim('b', MINUTE, b);
    store.claim('c', MINUTE, c);
    store.complete('b', MINUTE, b);
    store.complete('a', MINUTE, a);
    store.claim('d', MINUTE, d);
    // 'a' was claimed first: completing it did not make it younger.
    expect(store.size).toBe(3);
    expect(store.claim('b', MINUTE, token())).toBe('done');
    // A handler slower than maxEntries deliveries: its key was forgotten, completing it remembers it again.
    store.complete('a', MINUTE, a);
    expect(store.claim('a', MINUTE, token())).toBe('done');
    expect(store.claim('b', MINUTE, token())).toBe('claimed');
    expect(store.size).toBe(3);
  });

  it('never forgets a live claim: a retry of it still gets processing after maxEntries other deliveries', () => {
    const store = memoryDedupeStore({ maxEntries: 100, logger: false });
    const slow = token();
    expect(store.claim('slow', MINUTE, slow)).toBe('claimed');
    for (let i = 0; i < 100; i++) {
      const mine = token();
      store.claim(`other-${i}`, MINUTE, mine);
      store.complete(`other-${i}`, MINUTE, mine);
      expect(store.size).toBeLessThanOrEqual(100);
    }
    expect(store.claim('slow', MINUTE, token())).toBe('processing');
    // The oldest done marker made room instead.
    expect(store.claim('other-0', MINUTE, token())).toBe('claimed');
    expect(store.claim('other-99', MINUTE, token())).toBe('done');
    store.complete('slow', MINUTE, slow);
    expect(store.claim('slow', MINUTE, token())).toBe('done');
    expect(store.size).toBe(100);
  });

  it('a live claim eviction passed over is forgotten in its turn once it finishes, not kept for ever', () => {
    const store = memoryDedupeStore({ maxEntries: 3, logger: false });
    const slow = token();
    const deliver = (key: string) => {
      const mine = token();
      store.claim(key, MINUTE, mine);
      store.complete(key, MINUTE, mine);
    };
    store.claim('slow', MINUTE, slow);
    for (let i = 0; i < 3; i++) deliver(`d${i}`);
    expect(store.claim('slow', MINUTE, token())).toBe('processing');
    store.complete('slow', MINUTE, slow);
    // Three newer done markers fill the store; the slow one, older than them all, made room.
    for (let i = 3; i < 6; i++) deliver(`d${i}`);
    expect(store.size).toBe(3);
    expect(store.claim('slow', MINUTE, token())).toBe('claimed');
  });

  it('forgets an expired lease before a live claim, even a live claim taken earlier', () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore({ maxEntries: 2, logger: false });
    expect(store.claim('live', MINUTE, token())).toBe('claimed');
    expect(store.claim('crashed', 1_000, token())).toBe('claimed');
    jest.advanceTimersByTime(1_001);
    expect(store.claim('new', MINUTE, token())).toBe('claimed');
    expect(store.size).toBe(2);
    expect(store.claim('live', MINUTE, token())).toBe('processing');
    expect(store.claim('new', MINUTE, token())).toBe('processing');
  });

  it('grows past maxEntries while every entry is a live claim, and is back within bounds once they finish', () => {
    const store = memoryDedupeStore({ maxEntries: 3, logger: false });
    const held = Array.from({ length: 5 }, (_, i) => [`k${i}`, token()] as const);
    for (const [key, mine] of held) expect(store.claim(key, MINUTE, mine)).toBe('claimed');
    expect(store.size).toBe(5);
    for (const [key] of held) expect(store.claim(key, MINUTE, token())).toBe('processing');
    for (const [key, mine] of held) store.complete(key, MINUTE, mine);
    expect(store.size).toBeLessThanOrEqual(3);
    // The markers kept are the newest ones.
    expect(store.claim('k4', MINUTE, token())).toBe('done');
    for (let i = 0; i < 10; i++) {
      const mine = token();
      store.claim(`later-${i}`, MINUTE, mine);
      store.complete(`later-${i}`, MINUTE, mine);
      expect(store.size).toBeLessThanOrEqual(3);
    }
    expect(store.size).toBe(3);
  });

  it('a store overfull with live claims still takes new ones, and releases bring it back within bounds', () => {
    const store = memoryDedupeStore({ maxEntries: 10, logger: false });
    const held = Array.from({ length: 1_000 }, (_, i) => [`k${i}`, token()] as const);
    for (const [key, mine] of held) expect(store.claim(key, MINUTE, mine)).toBe('claimed');
    expect(store.size).toBe(1_000);
    for (const [key, mine] of held) store.release(key, mine);
    expect(store.size).toBe(0);
  });

  it('warns when it is full enough to forget done markers before they expire: the first time, then at most once an hour', () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const lines: string[] = [];
    const store = memoryDedupeStore({
      maxEntries: 2,
      logger: { warn: (line) => lines.push(String(line)), error() {} },
    });
    const handle = (key: string, ttl = DAY) => {
      const mine = token();
      store.claim(key, MINUTE, mine);
      store.complete(key, ttl, mine);
    };
    // Markers that expired first are forgotten in silence.
    handle('short-1', 1_000);
    handle('short-2', 1_000);
    jest.advanceTimersByTime(1_001);
    handle('e1');
    handle('e2');
    expect(lines).toEqual([]);
    // A third inside their day forgets e1 early: a replay of it would be handled again.
    handle('e3');
    expect(store.claim('e1', MINUTE, token())).toBe('claimed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /memoryDedupeStore is full \(maxEntries 2\).*\(1 so far\).*handled again.*Raise maxEntries.*redisDedupeStore/,
    );
    for (let i = 0; i < 10; i++) handle(`more-${i}`);
    expect(lines).toHaveLength(1);
    jest.advanceTimersByTime(HOUR);
    handle('later');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/\(13 so far\)/);
  });

  it("a receiver's default store warns through the receiver's logger", async () => {
    const lines: string[] = [];
    let key = 0;
    const receiver = createReceiver({
      secret: SECRET,
      on: { '*': () => undefined },
      // The same signed delivery under a new key each time: 100,001 events through the default store.
      dedupeKey: () => `event-${++key}`,
      logger: { warn: (line) => lines.push(String(line)), error() {} },
    });
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    for (let i = 0; i < 100_000; i++) await receiver.receive({ method: 'POST', headers, rawBody: body });
    expect(lines).toEqual([]);
    expect((await receiver.receive({ method: 'POST', headers, rawBody: body })).status).toBe(200);
    expect(lines).toEqual([expect.stringMatching(/memoryDedupeStore is full \(maxEntries 100000\)/)]);
  }, 60_000);

  it('rejects a nonsensical configuration', () => {
    expect(() => memoryDedupeStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => memoryDedupeStore({ maxEntries: 1.5 })).toThrow(/maxEntries/);
    for (const ttlMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e21]) {
      expect(() => memoryDedupeStore({ ttlMs })).toThrow(TypeError);
      expect(() => memoryDedupeStore({ ttlMs })).toThrow(/ttlMs/);
    }
  });

  it('refuses a missing or empty token: the claim would belong to nobody', () => {
    const store = memoryDedupeStore();
    expect(() => store.claim('e1', MINUTE, '')).toThrow(/token/);
    expect(() => store.claim('e1', MINUTE, undefined as unknown as string)).toThrow(TypeError);
    expect(() => store.complete('e1', MINUTE, '')).toThrow(/token/);
    expect(() => store.release('e1', '')).toThrow(/token/);
    expect(store.size).toBe(0);
  });
});
