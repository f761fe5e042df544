import { randomUUID } from 'node:crypto';
import type { ClaimResult, DedupeStore } from '@vobiz-webhooks/core';

export interface DedupeContractOptions {
  /** Called after every test, e.g. to delete the keys a shared store wrote. */
  cleanup?: () => Promise<void> | void;
  /** Per-test timeout; stores over the network on a loaded machine need more. Default 15 s. */
  timeoutMs?: number;
}

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour the receiver relies on from any `DedupeStore`, run against each
 * implementation (memory, Redis with ioredis, Redis with node-redis). `makeStore`
 * is called once per test.
 */
export function describeDedupeStoreContract(
  name: string,
  makeStore: () => DedupeStore | Promise<DedupeStore>,
  { cleanup, timeoutMs = 15_000 }: DedupeContractOptions = {},
): void {
  describe(`DedupeStore contract: ${name}`, () => {
    let store: DedupeStore;
    // Fresh keys per test, so a store shared across tests (or runs) never sees old state.
    const key = (label = 'event') => `contract-${label}-${randomUUID()}`;

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await cleanup?.();
    });

    test('the first claim of a key wins; a second, while the lease runs, sees processing', async () => {
      const k = key();
      expect(await store.claim(k, MINUTE)).toBe('claimed');
      expect(await store.claim(k, MINUTE)).toBe('processing');
    }, timeoutMs);

    test('a completed key answers done to every later claim', async () => {
      const k = key();
      expect(await store.claim(k, MINUTE)).toBe('claimed');
      await store.complete(k, MINUTE);
      expect(await store.claim(k, MINUTE)).toBe('done');
      expect(await store.claim(k, MINUTE)).toBe('done');
    }, timeoutMs);

    test('a released claim can be claimed again (a failed handler lets the retry run)', async () => {
      const k = key();
      expect(await store.claim(k, MINUTE)).toBe('claimed');
      await store.release(k);
      expect(await store.claim(k, MINUTE)).toBe('claimed');
    }, timeoutMs);

    test('release never drops a done marker', async () => {
      const k = key();
      expect(await store.claim(k, MINUTE)).toBe('claimed');
      await store.complete(k, MINUTE);
      await store.release(k);
      expect(await store.claim(k, MINUTE)).toBe('done');
    }, timeoutMs);

    test('releasing a key that was never claimed is harmless', async () => {
      const k = key();
      await expect(Promise.resolve(store.release(k))).resolves.toBeUndefined();
      expect(await store.claim(k, MINUTE)).toBe('claimed');
    }, timeoutMs);

    test('keys are independent: completing or releasing one leaves the others as they were', async () => {
      const [a, b, c] = [key('a'), key('b'), key('c')];
      expect(await store.claim(a, MINUTE)).toBe('claimed');
      expect(await store.claim(b, MINUTE)).toBe('claimed');
      await store.complete(a, MINUTE);
      await store.release(c);
      expect(await store.claim(b, MINUTE)).toBe('processing');
      expect(await store.claim(c, MINUTE)).toBe('claimed');
      expect(await store.claim(a, MINUTE)).toBe('done');
    }, timeoutMs);

    test('a crashed claim (never completed nor released) is claimable once its lease expires', async () => {
      const k = key();
      expect(await store.claim(k, 50)).toBe('claimed');
      // The "crash": nothing completes or releases k. Wait well past the 50 ms lease.
      await sleep(400);
      expect(await store.claim(k, MINUTE)).toBe('claimed');
      expect(await store.claim(k, MINUTE)).toBe('processing');
    }, timeoutMs);

    test('a done marker is forgotten after its TTL', async () => {
      const k = key();
      expect(await store.claim(k, MINUTE)).toBe('claimed');
      await store.complete(k, 50);
      await sleep(400);
      expect(await store.claim(k, MINUTE)).toBe('claimed');
    }, timeoutMs);

    test('completing outlives the lease: done is kept for the TTL, not the lease', async () => {
      const k = key();
      expect(await store.claim(k, 50)).toBe('claimed');
      await store.complete(k, MINUTE);
      await sleep(400);
      expect(await store.claim(k, MINUTE)).toBe('done');
    }, timeoutMs);

    test('100 parallel claims of one key: exactly one is claimed, the rest see processing', async () => {
      const k = key();
      const results = await Promise.all(Array.from({ length: 100 }, async () => store.claim(k, MINUTE)));
      const count = (wanted: ClaimResult) => results.filter((result) => result === wanted).length;
      expect(count('claimed')).toBe(1);
      expect(count('processing')).toBe(99);
    }, timeoutMs);

    test('100 parallel claims of 100 keys: each is claimed once', async () => {
      const keys = Array.from({ length: 100 }, (_, i) => key(`many-${i}`));
      const results = await Promise.all(keys.map(async (k) => store.claim(k, MINUTE)));
      expect(results).toEqual(keys.map(() => 'claimed'));
    }, timeoutMs);
  });
}
