import fc from 'fast-check';
import { memoryDedupeStore } from '@vobiz-webhooks/core';

// The in-memory store evicts with one long-lived Map iterator (a fresh iterator per
// eviction cost O(deleted slots) once the store was full). This checks it against the
// plain definition, over random sequences of claims, completions and releases by several
// copies of each event, including completions of old and unknown keys, stores overfull
// with live claims, and stores emptied by releases and refilled:
// - entries queue in the order they were added; completing marks an entry done where it is;
// - past maxEntries, the walk takes the entry at the head of the queue: a finished one is
//   forgotten, a live claim goes to the back (it is never forgotten), at most
//   LIVE_CLAIMS_PASSED of them per operation;
// - a claim belongs to its copy: another copy's complete or release leaves it alone.

/** The store's bound on live claims moved back per operation. */
const LIVE_CLAIMS_PASSED = 8;

type Op = { kind: 'claim' | 'complete' | 'release'; key: number; copy: number };
type State = { done: true } | { done: false; holder: number };

/** The definition, written the slow and obvious way: keys in an array, in eviction order. */
function referenceStore(maxEntries: number) {
  const order: number[] = [];
  const states = new Map<number, State>();
  const evict = () => {
    let passes = Math.min(LIVE_CLAIMS_PASSED, order.length);
    while (order.length > maxEntries) {
      const head = order.shift() as number;
      if (states.get(head)?.done === true) {
        states.delete(head);
      } else {
        order.push(head);
        if (--passes === 0) return;
      }
    }
  };
  return {
    claim(key: number, copy: number): string {
      const state = states.get(key);
      if (state !== undefined) return state.done ? 'done' : 'processing';
      order.push(key);
      states.set(key, { done: false, holder: copy });
      evict();
      return 'claimed';
    },
    complete(key: number, copy: number) {
      const state = states.get(key);
      if (state?.done === true || (state !== undefined && state.holder !== copy)) return;
      if (state === undefined) order.push(key);
      states.set(key, { done: true });
      evict();
    },
    release(key: number, copy: number) {
      const state = states.get(key);
      if (state?.done === false && state.holder === copy) {
        order.splice(order.indexOf(key), 1);
        states.delete(key);
      }
    },
    get size() {
      return order.length;
    },
  };
}

const op = fc.record({
  kind: fc.constantFrom<Op['kind']>('claim', 'claim', 'complete', 'release'),
  key: fc.integer({ min: 0, max: 24 }),
  copy: fc.integer({ min: 0, max: 2 }),
});

describe('memoryDedupeStore eviction', () => {
  it('forgets finished entries in queue order and never a live claim, whatever the sequence of operations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { minLength: 1, maxLength: 400 }), (maxEntries, ops) => {
        // Leases and TTLs far beyond the test's duration: only eviction removes entries.
        const store = memoryDedupeStore({ maxEntries, logger: false });
        const reference = referenceStore(maxEntries);
        for (const { kind, key, copy } of ops) {
          const [name, token] = [`e${key}`, `copy-${copy}`];
          if (kind === 'claim') expect(store.claim(name, 3_600_000, token)).toBe(reference.claim(key, copy));
          else if (kind === 'complete') {
            store.complete(name, 3_600_000, token);
            reference.complete(key, copy);
          } else {
            store.release(name, token);
            reference.release(key, copy);
          }
          expect(store.size).toBe(reference.size);
        }
        // Every key's final state agrees too (claim reports it, or takes an absent key).
        for (let key = 0; key <= 24; key++) {
          expect(store.claim(`e${key}`, 3_600_000, 'last')).toBe(reference.claim(key, -1));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps evicting in claim order across many table rehashes', () => {
    const store = memoryDedupeStore({ maxEntries: 1_000, logger: false });
    for (let i = 0; i < 50_000; i++) {
      store.claim(`k${i}`, 3_600_000, `t${i}`);
      store.complete(`k${i}`, 3_600_000, `t${i}`);
    }
    expect(store.size).toBe(1_000);
    // The newest 1,000 are remembered, everything older was forgotten.
    expect(store.claim('k49000', 3_600_000, 'check')).toBe('done');
    expect(store.claim('k49999', 3_600_000, 'check')).toBe('done');
    expect(store.claim('k48999', 3_600_000, 'check')).toBe('claimed');
  });

  it('keeps a live claim across many table rehashes while done markers come and go around it', () => {
    const store = memoryDedupeStore({ maxEntries: 1_000, logger: false });
    store.claim('slow', 3_600_000, 'slow');
    for (let i = 0; i < 50_000; i++) {
      store.claim(`k${i}`, 3_600_000, `t${i}`);
      store.complete(`k${i}`, 3_600_000, `t${i}`);
      if (i % 10_000 === 0) expect(store.claim('slow', 3_600_000, 'copy')).toBe('processing');
    }
    expect(store.size).toBe(1_000);
    expect(store.claim('slow', 3_600_000, 'copy')).toBe('processing');
    expect(store.claim('k49001', 3_600_000, 'check')).toBe('done');
    expect(store.claim('k49000', 3_600_000, 'check')).toBe('claimed');
  });
});
