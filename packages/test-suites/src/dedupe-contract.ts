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
 * implementation (memory, files, Redis with ioredis, Redis with node-redis): claims
 * that belong to their token, done markers that only grow, and inputs refused before
 * they are stored. `makeStore` is called once per test.
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
    // One per claim, as the receiver makes them: each copy of an event holds its own.
    const token = () => randomUUID();

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await cleanup?.();
    });

    test(
      'the first claim of a key wins; a second, while the lease runs, sees processing',
      async () => {
        const k = key();
        expect(await store.claim(k, MINUTE, token())).toBe('claimed');
        expect(await store.claim(k, MINUTE, token())).toBe('processing');
      },
      timeoutMs,
    );

    test(
      'a completed key answers done to every later claim',
      async () => {
        const [k, mine] = [key(), token()];
        expect(await store.claim(k, MINUTE, mine)).toBe('claimed');
        await store.complete(k, MINUTE, mine);
        expect(await store.claim(k, MINUTE, token())).toBe('done');
        expect(await store.claim(k, MINUTE, token())).toBe('done');
      },
      timeoutMs,
    );

    test(
      'a released claim can be claimed again (a failed handler lets the retry run)',
      async () => {
        const [k, mine] = [key(), token()];
        expect(await store.claim(k, MINUTE, mine)).toBe('claimed');
        await store.release(k, mine);
        expect(await store.claim(k, MINUTE, token())).toBe('claimed');
      },
      timeoutMs,
    );

    test(
      'release never drops a done marker, whatever the token',
      async () => {
        const [k, mine] = [key(), token()];
        expect(await store.claim(k, MINUTE, mine)).toBe('claimed');
        await store.complete(k, MINUTE, mine);
        await store.release(k, mine);
        await store.release(k, token());
        expect(await store.claim(k, MINUTE, token())).toBe('done');
      },
      timeoutMs,
    );

    test(
      'releasing a key that was never claimed is harmless',
      async () => {
        const k = key();
        await expect(Promise.resolve(store.release(k, token()))).resolves.toBeUndefined();
        expect(await store.claim(k, MINUTE, token())).toBe('claimed');
      },
      timeoutMs,
    );

    test(
      'keys are independent: completing or releasing one leaves the others as they were',
      async () => {
        const [a, b, c] = [key('a'), key('b'), key('c')];
        const [tokenA, tokenB] = [token(), token()];
        expect(await store.claim(a, MINUTE, tokenA)).toBe('claimed');
        expect(await store.claim(b, MINUTE, tokenB)).toBe('claimed');
        await store.complete(a, MINUTE, tokenA);
        await store.release(c, tokenB);
        expect(await store.claim(b, MINUTE, token())).toBe('processing');
        expect(await store.claim(c, MINUTE, token())).toBe('claimed');
        expect(await store.claim(a, MINUTE, token())).toBe('done');
      },
      timeoutMs,
    );

    test(
      'a crashed claim (never completed nor released) is claimable once its lease expires',
      async () => {
        const k = key();
        expect(await store.claim(k, 50, token())).toBe('claimed');
        // The "crash": nothing completes or releases k. Wait well past the 50 ms lease.
        await sleep(400);
        expect(await store.claim(k, MINUTE, token())).toBe('claimed');
        expect(await store.claim(k, MINUTE, token())).toBe('processing');
      },
      timeoutMs,
    );

    test(
      'a done marker is forgotten after its TTL',
      async () => {
        const [k, mine] = [key(), token()];
        expect(await store.claim(k, MINUTE, mine)).toBe('claimed');
        await store.complete(k, 50, mine);
        await sleep(400);
        expect(await store.claim(k, MINUTE, token())).toBe('claimed');
      },
      timeoutMs,
    );

    test(
      'completing outlives the lease: done is kept for the TTL, not the lease',
      async () => {
        const [k, mine] = [key(), token()];
        expect(await store.claim(k, 50, mine)).toBe('claimed');
        await store.complete(k, MINUTE, mine);
        await sleep(400);
        expect(await store.claim(k, MINUTE, token())).toBe('done');
      },
      timeoutMs,
    );

    test(
      '100 parallel claims of one key: exactly one is claimed, the rest see processing',
      async () => {
        const k = key();
        const results = await Promise.all(Array.from({ length: 100 }, async () => store.claim(k, MINUTE, token())));
        const count = (wanted: ClaimResult) => results.filter((result) => result === wanted).length;
        expect(count('claimed')).toBe(1);
        expect(count('processing')).toBe(99);
      },
      timeoutMs,
    );

    test(
      '100 parallel claims of 100 keys: each is claimed once',
      async () => {
        const keys = Array.from({ length: 100 }, (_, i) => key(`many-${i}`));
        const results = await Promise.all(keys.map(async (k) => store.claim(k, MINUTE, token())));
        expect(results).toEqual(keys.map(() => 'claimed'));
      },
      timeoutMs,
    );

    describe('a claim belongs to its holder', () => {
      test(
        "another token's release or complete leaves a live claim alone",
        async () => {
          const [k, holder] = [key(), token()];
          expect(await store.claim(k, MINUTE, holder)).toBe('claimed');
          await store.release(k, token());
          expect(await store.claim(k, MINUTE, token())).toBe('processing');
          await store.complete(k, MINUTE, token());
          expect(await store.claim(k, MINUTE, token())).toBe('processing');
          // The holder's own release still works: nothing else was written.
          await store.release(k, holder);
          expect(await store.claim(k, MINUTE, token())).toBe('claimed');
        },
        timeoutMs,
      );

      test(
        "after a lease expiry, the first copy's late release never drops the second copy's claim",
        async () => {
          const [k, first, second] = [key(), token(), token()];
          expect(await store.claim(k, 50, first)).toBe('claimed');
          await sleep(400);
          expect(await store.claim(k, MINUTE, second)).toBe('claimed');
          await store.release(k, first); // its handler failed, long after its lease
          expect(await store.claim(k, MINUTE, token())).toBe('processing');
          await store.complete(k, MINUTE, second);
          expect(await store.claim(k, MINUTE, token())).toBe('done');
        },
        timeoutMs,
      );

      test(
        "after a lease expiry, the first copy's late complete does nothing while the second holds it",
        async () => {
          const [k, first, second] = [key(), token(), token()];
          expect(await store.claim(k, 50, first)).toBe('claimed');
          await sleep(400);
          expect(await store.claim(k, MINUTE, second)).toBe('claimed');
          await store.complete(k, MINUTE, first);
          expect(await store.claim(k, MINUTE, token())).toBe('processing');
          // The second copy's handler fails: its release lets the retry run, as if the first never completed.
          await store.release(k, second);
          expect(await store.claim(k, MINUTE, token())).toBe('claimed');
        },
        timeoutMs,
      );

      test(
        'complete after the lease expired, with nobody else holding the key, still writes done',
        async () => {
          const [k, mine] = [key(), token()];
          expect(await store.claim(k, 50, mine)).toBe('claimed');
          await sleep(400);
          await store.complete(k, MINUTE, mine);
          expect(await store.claim(k, MINUTE, token())).toBe('done');
        },
        timeoutMs,
      );

      test(
        'complete of a key nobody holds (never claimed, or forgotten) writes done',
        async () => {
          const k = key();
          await store.complete(k, MINUTE, token());
          expect(await store.claim(k, MINUTE, token())).toBe('done');
        },
        timeoutMs,
      );

      test(
        'complete never shortens a longer done marker',
        async () => {
          const [k, mine] = [key(), token()];
          expect(await store.claim(k, MINUTE, mine)).toBe('claimed');
          await store.complete(k, MINUTE, mine);
          // A copy that ran after a lease expiry completes late, with a shorter ttl.
          await store.complete(k, 50, token());
          await store.complete(k, 50, mine);
          await sleep(400);
          expect(await store.claim(k, MINUTE, token())).toBe('done');
        },
        timeoutMs,
      );
    });

    describe('refuses what it cannot store faithfully, with a TypeError naming it', () => {
      // Synchronous stores throw, asynchronous ones reject: either way the caller sees it.
      const attempt = async (operation: () => unknown) => {
        await Promise.resolve().then(operation);
      };
      const label = (value: unknown) => (typeof value === 'string' ? `'${value}'` : String(value));
      const badKeys: unknown[] = ['', 42, undefined, null];
      const badDurations: unknown[] = [Number.POSITIVE_INFINITY, Number.NaN, 0, -1, 1.5, 1e21, '60000', undefined];

      test.each(badKeys.map((value) => [label(value), value]))(
        'key %s',
        async (_label, bad) => {
          const k = bad as string;
          await expect(attempt(() => store.claim(k, MINUTE, token()))).rejects.toThrow(TypeError);
          await expect(attempt(() => store.claim(k, MINUTE, token()))).rejects.toThrow(/key/);
          await expect(attempt(() => store.complete(k, MINUTE, token()))).rejects.toThrow(TypeError);
          await expect(attempt(() => store.release(k, token()))).rejects.toThrow(TypeError);
        },
        timeoutMs,
      );

      test.each(badDurations.map((value) => [label(value), value]))(
        'duration %s',
        async (_label, bad) => {
          const [k, ms] = [key(), bad as number];
          await expect(attempt(() => store.claim(k, ms, token()))).rejects.toThrow(TypeError);
          await expect(attempt(() => store.claim(k, ms, token()))).rejects.toThrow(/leaseMs/);
          await expect(attempt(() => store.complete(k, ms, token()))).rejects.toThrow(TypeError);
          await expect(attempt(() => store.complete(k, ms, token()))).rejects.toThrow(/ttlMs/);
          // Nothing was written by the refused calls.
          expect(await store.claim(k, MINUTE, token())).toBe('claimed');
        },
        timeoutMs,
      );
    });
  });
}
