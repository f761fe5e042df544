import fc from 'fast-check';
import { memoryDedupeStore } from '@vobiz-webhooks/core';

// The in-memory store evicts with one long-lived Map iterator (a fresh iterator per
// eviction cost O(deleted slots) once the store was full). This checks it against the
// plain definition, "entries are forgotten in the order they were claimed" (completing
// marks an entry done where it is; completing an unknown key adds it), over random
// sequences of claims, completions and releases, including completions of old and
// unknown keys and stores emptied by releases and refilled.

type Op = { kind: 'claim' | 'complete' | 'release'; key: number };

/** The definition, written the slow and obvious way: keys in the order they were added. */
function referenceStore(maxEntries: number) {
  const order: number[] = [];
  const done = new Map<number, boolean>();
  const write = (key: number, isDone: boolean) => {
    if (!order.includes(key)) order.push(key);
    done.set(key, isDone);
    if (order.length > maxEntries) done.delete(order.shift() as number);
  };
  return {
    claim(key: number): string {
      if (done.has(key)) return done.get(key) ? 'done' : 'processing';
      write(key, false);
      return 'claimed';
    },
    complete: (key: number) => write(key, true),
    release(key: number) {
      if (done.get(key) === false) {
        order.splice(order.indexOf(key), 1);
        done.delete(key);
      }
    },
    get size() {
      return order.length;
    },
  };
}

const op = fc.record({ kind: fc.constantFrom<Op['kind']>('claim', 'claim', 'complete', 'release'), key: fc.integer({ min: 0, max: 24 }) });

describe('memoryDedupeStore eviction', () => {
  it('forgets entries exactly in the order they were claimed, whatever the sequence of operations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { minLength: 1, maxLength: 400 }), (maxEntries, ops) => {
        // Leases and TTLs far beyond the test's duration: only eviction removes entries.
        const store = memoryDedupeStore({ maxEntries });
        const reference = referenceStore(maxEntries);
        for (const { kind, key } of ops) {
          const name = `e${key}`;
          if (kind === 'claim') expect(store.claim(name, 3_600_000)).toBe(reference.claim(key));
          else if (kind === 'complete') {
            store.complete(name, 3_600_000);
            reference.complete(key);
          } else {
            store.release(name);
            reference.release(key);
          }
          expect(store.size).toBe(reference.size);
        }
        // Every key's final state agrees too (claim reports it, or takes an absent key).
        for (let key = 0; key <= 24; key++) expect(store.claim(`e${key}`, 3_600_000)).toBe(reference.claim(key));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps evicting in claim order across many table rehashes', () => {
    const store = memoryDedupeStore({ maxEntries: 1_000 });
    for (let i = 0; i < 50_000; i++) {
      store.claim(`k${i}`, 3_600_000);
      store.complete(`k${i}`, 3_600_000);
    }
    expect(store.size).toBe(1_000);
    // The newest 1,000 are remembered, everything older was forgotten.
    expect(store.claim('k49000', 3_600_000)).toBe('done');
    expect(store.claim('k49999', 3_600_000)).toBe('done');
    expect(store.claim('k48999', 3_600_000)).toBe('claimed');
  });
});
