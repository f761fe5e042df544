export type ClaimResult = 'claimed' | 'processing' | 'done';
type MaybePromise<T> = T | Promise<T>;

/**
 * Where the receiver records which events it has taken and finished. Each operation
 * must be atomic on its key: two `claim`s of one key racing anywhere in the fleet
 * must give `'claimed'` to exactly one of them.
 */
export interface DedupeStore {
  /**
   * Take `key` for `leaseMs`: `'claimed'` if nobody holds it (or an earlier lease expired,
   * e.g. its process crashed), `'processing'` if another claim is live, `'done'` if completed.
   */
  claim(key: string, leaseMs: number): MaybePromise<ClaimResult>;
  /** Mark `key` handled; copies are answered as duplicates for `ttlMs`. */
  complete(key: string, ttlMs: number): MaybePromise<void>;
  /** Drop a `'processing'` claim so a retry is handled; never drops a `'done'` marker. */
  release(key: string): MaybePromise<void>;
}

export interface MemoryDedupeStoreOptions {
  /** Entries kept at most; the oldest claim is forgotten first. Default 100,000. */
  maxEntries?: number;
  /** Upper bound on how long a completed key is remembered. Default 48 h. */
  ttlMs?: number;
}

export interface MemoryDedupeStore extends DedupeStore {
  /** Entries held now (never more than `maxEntries`). */
  readonly size: number;
}

const HOURS_48 = 48 * 60 * 60 * 1000;

/**
 * Dedupe for a single process. Operations are synchronous, hence atomic in Node.
 * With more than one instance use a shared store (`@vobiz-webhooks/redis`).
 */
export function memoryDedupeStore({ maxEntries = 100_000, ttlMs = HOURS_48 }: MemoryDedupeStoreOptions = {}): MemoryDedupeStore {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(`memoryDedupeStore: maxEntries must be a positive integer, got ${String(maxEntries)}`);
  }
  if (!(ttlMs > 0)) throw new TypeError(`memoryDedupeStore: ttlMs must be positive, got ${String(ttlMs)}`);

  // A Map iterates in insertion order, so the oldest claim comes first. A claim adds
  // its key at the end; `complete` marks the same entry done in place (one lookup, no
  // move): entries leave in the order they were claimed, each at most `maxEntries` later.
  // Each key holds one number, not an object: when it expires, in ms since the store was
  // made, negated once done. Small integers are stored inline, so a full store is
  // 100,000 fewer objects for the garbage collector to trace (measured, bench/RESULTS.md).
  const entries = new Map<string, number>();
  const origin = Date.now();
  const clock = () => Date.now() - origin;
  // A fresh `entries.keys().next()` per eviction would step over every deleted slot V8
  // keeps at the front of the table until its next rehash: once the store is full that
  // cost ~12 µs per delivery at 100,000 entries (bench/RESULTS.md). One long-lived
  // iterator passes each slot once. Map iteration is live, so it always yields the
  // oldest remaining entry; keys added later come behind it, as they should.
  let oldest: Iterator<string> | undefined;
  // Sets `key` (one lookup) and, if that added an entry past `maxEntries`, forgets the oldest.
  const put = (key: string, state: number): void => {
    entries.set(key, state);
    if (entries.size > maxEntries) {
      oldest ??= entries.keys();
      let next = oldest.next();
      // A finished iterator stays finished, even after new entries: start another.
      if (next.done === true) next = (oldest = entries.keys()).next();
      if (next.done !== true) entries.delete(next.value);
    }
  };

  return {
    claim(key, leaseMs) {
      const now = clock();
      const state = entries.get(key);
      if (state !== undefined) {
        if (Math.abs(state) > now) return state < 0 ? 'done' : 'processing';
        // An expired lease or marker: claimed anew, as the newest entry.
        entries.delete(key);
      }
      // Never 0: a lease is positive and the clock starts at 0.
      put(key, now + leaseMs);
      return 'claimed';
    },
    complete(key, ttl) {
      // In place when the claim is still there (the usual case); added anew if it was evicted.
      put(key, -(clock() + Math.min(ttl, ttlMs)));
    },
    release(key) {
      const state = entries.get(key);
      if (state !== undefined && state > 0) entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
