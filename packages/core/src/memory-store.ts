import type { ClaimResult, DedupeStore } from './dedupe';
import { guardedLogger } from './log';
import type { Logger } from './types';

export interface MemoryDedupeStoreOptions {
  /**
   * Entries kept at most. Past it, finished entries (done markers, expired leases) are
   * forgotten first, oldest first. A live claim is never forgotten, since a copy arriving
   * then would run the handlers a second time: if every entry is a live claim, the store
   * holds more than `maxEntries` until claims finish, and later operations bring it back
   * within bounds. Default 100,000.
   */
  maxEntries?: number;
  /**
   * Longest a done marker is remembered, whatever `complete` asks; exposed as `maxTtlMs`,
   * so a receiver whose accepted age window is longer refuses this store. Without it each
   * marker lasts the ttl it was completed with.
   */
  ttlMs?: number;
  /**
   * Where the store warns that it is full enough to forget done markers before they expire:
   * a replay of such an event inside the accepted window would be handled again. The first
   * time, then at most once an hour, with the count so far. Default `console`, `false` for
   * none; the receiver's own default store warns through the receiver's `logger`.
   */
  logger?: Logger | false;
}

export interface MemoryDedupeStore extends DedupeStore {
  /** Entries held now: at most `maxEntries`, unless more claims than that are live at once. */
  readonly size: number;
}

/** A claim, with the token that owns it; `expiresAt` is in ms since the store was made. */
interface Lease {
  readonly expiresAt: number;
  readonly token: string;
}

/**
 * Live claims the eviction walk steps over per operation, when every entry it meets is
 * one: a store overfull with live claims pays a constant per delivery, not a full scan.
 */
const LIVE_CLAIMS_PASSED_PER_OPERATION = 8;

/** The least time between two warnings that done markers are forgotten early. */
const FORGOTTEN_WARNING_INTERVAL_MS = 60 * 60 * 1000;

const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function checkString(where: string, name: 'key' | 'token', value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${where}: ${name} must be a non-empty string, got ${shown(value)}`);
  }
}

function checkDuration(where: string, name: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new TypeError(`${where}: ${name} must be a positive safe integer of ms, got ${shown(value)}`);
  }
}

/**
 * Dedupe for a single process. Operations are synchronous, hence atomic in Node.
 * With more than one instance use a shared store (`@vobiz-webhooks/redis`).
 */
export function memoryDedupeStore({
  maxEntries = 100_000,
  ttlMs,
  logger,
}: MemoryDedupeStoreOptions = {}): MemoryDedupeStore {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(`memoryDedupeStore: maxEntries must be a positive integer, got ${String(maxEntries)}`);
  }
  if (ttlMs !== undefined) checkDuration('memoryDedupeStore', 'ttlMs', ttlMs);
  const cap = ttlMs ?? Number.POSITIVE_INFINITY;

  // A Map iterates in insertion order, so the oldest entry comes first. A claim adds its
  // key at the end; `complete` turns the same entry into a done marker in place (one
  // lookup, no move). A done marker is one number, when it expires in ms since the store
  // was made: small integers are stored inline, so a full store is 100,000 fewer objects
  // for the garbage collector to trace (measured, bench/RESULTS.md). Only a claim is an
  // object, as it carries its owner's token, and claims are few and short-lived.
  const entries = new Map<string, number | Lease>();
  const origin = Date.now();
  const clock = () => Date.now() - origin;
  // A fresh iterator per eviction would step over every deleted slot V8 keeps at the front
  // of the table until its next rehash: once the store is full that cost ~12 µs per
  // delivery at 100,000 entries (bench/RESULTS.md). One long-lived iterator passes each
  // slot once. Map iteration is live, so it always yields the oldest remaining entry;
  // keys added later (a live claim moved back included) come behind it. It yields values
  // too: a second lookup per eviction cost more than the pair it allocates (callgrind).
  let oldest: Iterator<[string, number | Lease]> | undefined;

  const log = guardedLogger(logger);
  let forgotten = 0;
  let warnedAt = Number.NEGATIVE_INFINITY;
  /** A done marker dropped before it expired: counted, and said at most once an hour. */
  const forgetEarly = (now: number): void => {
    forgotten++;
    if (log === undefined || now - warnedAt < FORGOTTEN_WARNING_INTERVAL_MS) return;
    warnedAt = now;
    log.warn(
      `[vobiz-webhooks] memoryDedupeStore is full (maxEntries ${maxEntries}) and forgets handled events before ` +
        `their dedupe TTL ends (${forgotten} so far): a replay of one before then would be handled again. Raise ` +
        'maxEntries, or use a shared store (redisDedupeStore from @vobiz-webhooks/redis).',
    );
  };

  /** Forgets finished entries, oldest first, until the store is within `maxEntries`. */
  const evict = (now: number): void => {
    let passes = Math.min(LIVE_CLAIMS_PASSED_PER_OPERATION, entries.size);
    while (entries.size > maxEntries) {
      oldest ??= entries.entries();
      let next = oldest.next();
      // A finished iterator stays finished, even after new entries: start another.
      if (next.done === true) next = (oldest = entries.entries()).next();
      if (next.done === true) return;
      const [key, entry] = next.value;
      if (typeof entry === 'number' || entry.expiresAt <= now) {
        entries.delete(key);
        if (typeof entry === 'number' && entry > now) forgetEarly(now);
      } else {
        // Its copies must keep answering 'processing'. Behind every other entry, it is
        // looked at again only once they have all had their turn.
        entries.delete(key);
        entries.set(key, entry);
        if (--passes === 0) return;
      }
    }
  };

  const store: MemoryDedupeStore = {
    claim(key, leaseMs, token): ClaimResult {
      checkString('memoryDedupeStore.claim', 'key', key);
      checkDuration('memoryDedupeStore.claim', 'leaseMs', leaseMs);
      checkString('memoryDedupeStore.claim', 'token', token);
      const now = clock();
      const entry = entries.get(key);
      if (entry !== undefined) {
        if (typeof entry === 'number') {
          if (entry > now) return 'done';
        } else if (entry.expiresAt > now) {
          return 'processing';
        }
        // An expired lease or marker: claimed anew, as the newest entry.
        entries.delete(key);
      }
      entries.set(key, { expiresAt: now + leaseMs, token });
      if (entries.size > maxEntries) evict(now);
      return 'claimed';
    },
    complete(key, ttl, token) {
      checkString('memoryDedupeStore.complete', 'key', key);
      checkDuration('memoryDedupeStore.complete', 'ttlMs', ttl);
      checkString('memoryDedupeStore.complete', 'token', token);
      const now = clock();
      const entry = entries.get(key);
      const until = now + Math.min(ttl, cap);
      if (typeof entry === 'number') {
        // Already done (a copy completed after a lease expiry): keep the longer memory.
        if (until > entry) entries.set(key, until);
        return;
      }
      // Another copy claimed the key after this one's lease expired: its claim, its outcome.
      if (entry !== undefined && entry.token !== token && entry.expiresAt > now) return;
      // In place when the claim is still there (the usual case); added anew if it was evicted.
      entries.set(key, until);
      if (entries.size > maxEntries) evict(now);
    },
    release(key, token) {
      checkString('memoryDedupeStore.release', 'key', key);
      checkString('memoryDedupeStore.release', 'token', token);
      const entry = entries.get(key);
      if (entry !== undefined && typeof entry !== 'number' && entry.token === token) entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
  return ttlMs === undefined ? store : Object.assign(store, { maxTtlMs: ttlMs });
}
