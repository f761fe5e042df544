import { memoryDedupeStore } from '@vobiz-webhooks/core';

// The in-memory store's own guarantees; the DedupeStore contract shared with the Redis
// store runs in dedupe-contract.test.ts.

afterEach(() => {
  jest.useRealTimers();
});

describe('memoryDedupeStore', () => {
  it('claim → processing for copies → complete → done', () => {
    const store = memoryDedupeStore();
    expect(store.claim('e1', 60_000)).toBe('claimed');
    expect(store.claim('e1', 60_000)).toBe('processing');
    store.complete('e1', 60_000);
    expect(store.claim('e1', 60_000)).toBe('done');
    expect(store.claim('e2', 60_000)).toBe('claimed');
  });

  it('release drops a processing claim so the retry is claimed again', () => {
    const store = memoryDedupeStore();
    expect(store.claim('e1', 60_000)).toBe('claimed');
    store.release('e1');
    expect(store.claim('e1', 60_000)).toBe('claimed');
  });

  it('release never drops a done marker, and releasing an unknown key is harmless', () => {
    const store = memoryDedupeStore();
    store.claim('e1', 60_000);
    store.complete('e1', 60_000);
    store.release('e1');
    expect(store.claim('e1', 60_000)).toBe('done');
    expect(() => store.release('never-seen')).not.toThrow();
    expect(store.size).toBe(1);
  });

  it('a lease expires (a crashed process), and the next copy claims it', () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore();
    expect(store.claim('e1', 1_000)).toBe('claimed');
    jest.advanceTimersByTime(999);
    expect(store.claim('e1', 1_000)).toBe('processing');
    jest.advanceTimersByTime(2);
    expect(store.claim('e1', 1_000)).toBe('claimed');
  });

  it('a done marker lasts its ttl, then the key is new again', () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore();
    store.claim('e1', 1_000);
    store.complete('e1', 10_000);
    jest.advanceTimersByTime(9_999);
    expect(store.claim('e1', 1_000)).toBe('done');
    jest.advanceTimersByTime(2);
    expect(store.claim('e1', 1_000)).toBe('claimed');
  });

  it("the store's ttlMs caps the ttl a caller asks for", () => {
    jest.useFakeTimers({ now: new Date('2026-03-25T10:00:00Z') });
    const store = memoryDedupeStore({ ttlMs: 5_000 });
    store.claim('e1', 1_000);
    store.complete('e1', 48 * 3_600_000);
    jest.advanceTimersByTime(5_001);
    expect(store.claim('e1', 1_000)).toBe('claimed');
  });

  it('never holds more than maxEntries entries, forgetting the oldest first', () => {
    const store = memoryDedupeStore({ maxEntries: 100 });
    for (let i = 0; i < 1_000; i++) {
      store.claim(`e${i}`, 60_000);
      if (i % 2 === 0) store.complete(`e${i}`, 60_000);
      expect(store.size).toBeLessThanOrEqual(100);
    }
    expect(store.size).toBe(100);
    expect(store.claim('e998', 60_000)).toBe('done');
    expect(store.claim('e999', 60_000)).toBe('processing');
    expect(store.claim('e0', 60_000)).toBe('claimed');
    expect(store.size).toBe(100);
  });

  it('forgets the oldest claim first; complete() marks in place, and re-adds a key already forgotten', () => {
    const store = memoryDedupeStore({ maxEntries: 3 });
    store.claim('a', 60_000);
    store.claim('b', 60_000);
    store.claim('c', 60_000);
    store.complete('a', 60_000);
    store.claim('d', 60_000);
    // 'a' was claimed first: completing it did not make it younger.
    expect(store.size).toBe(3);
    expect(store.claim('b', 60_000)).toBe('processing');
    // A handler slower than maxEntries claims: its key was forgotten, completing it remembers it again.
    store.complete('a', 60_000);
    expect(store.claim('a', 60_000)).toBe('done');
    expect(store.size).toBe(3);
  });

  it('rejects a nonsensical configuration', () => {
    expect(() => memoryDedupeStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => memoryDedupeStore({ maxEntries: 1.5 })).toThrow(/maxEntries/);
    expect(() => memoryDedupeStore({ ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
