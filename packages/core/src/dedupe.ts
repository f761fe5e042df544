export type ClaimResult = 'claimed' | 'processing' | 'done';
type MaybePromise<T> = T | Promise<T>;

/**
 * Where the receiver records which events it has taken and finished. Each operation
 * must be atomic on its key: two `claim`s of one key racing anywhere in the fleet
 * must give `'claimed'` to exactly one of them.
 *
 * A claim belongs to its holder. The receiver passes a `token` unique to each claim,
 * and `complete` and `release` act only while the key is held under that token (or,
 * for `complete`, nobody holds it): after a lease expired and a second copy of the
 * event claimed the key anew, the first copy's late `release` must not drop the
 * second copy's claim. Keys are non-empty strings; durations are positive safe
 * integers of milliseconds.
 */
export interface DedupeStore {
  /**
   * Take `key` for `leaseMs` under `token`: `'claimed'` if nobody holds it (or an earlier
   * lease expired, e.g. its process crashed), `'processing'` if another claim is live,
   * `'done'` if completed.
   */
  claim(key: string, leaseMs: number, token: string): MaybePromise<ClaimResult>;
  /**
   * Mark `key` handled, remembered for `ttlMs`: copies are then answered as duplicates.
   * Does nothing while another token holds a live claim on `key`.
   */
  complete(key: string, ttlMs: number, token: string): MaybePromise<void>;
  /** Drop the claim `token` holds on `key`, so a retry is handled; never drops a done marker or another token's claim. */
  release(key: string, token: string): MaybePromise<void>;
  /**
   * The longest this store keeps a done marker, when it is bounded. The receiver refuses
   * a store that would forget an event while a replay of it is still inside the accepted
   * age window (it would be handled twice).
   */
  readonly maxTtlMs?: number;
}

export { memoryDedupeStore, type MemoryDedupeStore, type MemoryDedupeStoreOptions } from './memory-store';
