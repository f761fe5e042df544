import fc from 'fast-check';
import { signPayload, signPayloadAsync, verifySignature, verifySignatureAsync } from '@vobiz-webhooks/core';
import { fuzzRuns, fuzzTimeout } from '@vobiz-webhooks/test-suites';

// The live module object, not an ESM namespace copy: signature.ts calls
// `timingSafeEqual` through it, so a spy here sees every comparison it makes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeCrypto = require('node:crypto') as typeof import('node:crypto');

/** A secret as `normalizeSecrets` accepts it: non-empty, no surrounding whitespace. */
const secretArb = fc
  .string({ minLength: 1, maxLength: 64, unit: 'grapheme' })
  .filter((s) => s.length > 0 && s.trim() === s);
const bodyArb = fc.uint8Array({ maxLength: 2048 });

/** Headers a sender could put in X-Webhook-Signature that are not 64 hex characters. */
const malformedSignatureArb = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 63 }).filter((s) => !/^[0-9a-f]{64}$/i.test(s)),
  fc.stringMatching(/^[0-9a-f]{1,63}$/),
  fc.stringMatching(/^[0-9a-f]{65,200}$/),
  fc.string({ minLength: 64, maxLength: 64 }).filter((s) => !/^[0-9a-f]{64}$/i.test(s)),
  fc.string({ minLength: 64, maxLength: 64, unit: 'binary' }).filter((s) => !/^[0-9a-f]{64}$/i.test(s)),
  fc.nat({ max: 1_000_000 }).map((n) => 'a'.repeat(64 + n)),
  fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256=${hex}`),
  fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => ` ${hex}`),
);

const flipByte = (bytes: Uint8Array, index: number, mask: number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[index] = (copy[index] as number) ^ mask;
  return copy;
};

describe('signPayload / verifySignature properties', () => {
  test(
    'any bytes signed with any secret verify, and the async twins agree',
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyArb, secretArb, async (body, secret) => {
          const signature = signPayload(body, secret);
          expect(signature).toMatch(/^[0-9a-f]{64}$/);
          expect(await signPayloadAsync(body, secret)).toBe(signature);
          expect(verifySignature(body, signature, secret)).toBe(true);
          expect(await verifySignatureAsync(body, signature, secret)).toBe(true);
          // Vobiz sends lowercase hex; an uppercase copy of the same bytes is the same MAC.
          expect(verifySignature(body, signature.toUpperCase(), secret)).toBe(true);
        }),
        { numRuns: fuzzRuns(1000) },
      );
    },
    fuzzTimeout(30_000),
  );

  test(
    'flipping any bit pattern of any single body byte breaks the signature',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 1, maxLength: 1024 }),
          secretArb,
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          async (body, secret, at, mask) => {
            const signature = signPayload(body, secret);
            const tampered = flipByte(body, at % body.length, mask);
            expect(verifySignature(tampered, signature, secret)).toBe(false);
            expect(await verifySignatureAsync(tampered, signature, secret)).toBe(false);
          },
        ),
        { numRuns: fuzzRuns(1000) },
      );
    },
    fuzzTimeout(30_000),
  );

  test(
    'changing any single character of the signature breaks it',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          bodyArb,
          secretArb,
          fc.nat({ max: 63 }),
          fc.integer({ min: 1, max: 15 }),
          async (body, secret, at, delta) => {
            const signature = signPayload(body, secret);
            const digit = parseInt(signature[at] as string, 16);
            const changed = `${signature.slice(0, at)}${((digit + delta) % 16).toString(16)}${signature.slice(at + 1)}`;
            expect(changed).not.toBe(signature);
            expect(verifySignature(body, changed, secret)).toBe(false);
            expect(await verifySignatureAsync(body, changed, secret)).toBe(false);
          },
        ),
        { numRuns: fuzzRuns(1000) },
      );
    },
    fuzzTimeout(30_000),
  );

  test(
    'a signature made with another secret never verifies, and rotation accepts either live secret',
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyArb, secretArb, secretArb, async (body, current, next) => {
          fc.pre(current !== next);
          const signature = signPayload(body, current);
          expect(verifySignature(body, signature, next)).toBe(false);
          expect(await verifySignatureAsync(body, signature, next)).toBe(false);
          expect(verifySignature(body, signature, [next, current])).toBe(true);
          expect(await verifySignatureAsync(body, signature, [next, current])).toBe(true);
        }),
        { numRuns: fuzzRuns(300) },
      );
    },
    fuzzTimeout(30_000),
  );

  test(
    'malformed signatures (wrong length, non-hex, empty, prefixed, absurdly long) are rejected without throwing',
    async () => {
      await fc.assert(
        fc.asyncProperty(bodyArb, secretArb, malformedSignatureArb, async (body, secret, signature) => {
          expect(verifySignature(body, signature, secret)).toBe(false);
          expect(await verifySignatureAsync(body, signature, secret)).toBe(false);
        }),
        { numRuns: fuzzRuns(1000) },
      );
      for (const missing of [undefined, null]) {
        expect(verifySignature('{}', missing, 'secret')).toBe(false);
        expect(await verifySignatureAsync('{}', missing, 'secret')).toBe(false);
      }
    },
    fuzzTimeout(60_000),
  );
});

describe('constant-time comparison', () => {
  afterEach(() => jest.restoreAllMocks());

  test('a malformed signature goes through timingSafeEqual exactly like a well-formed one', () => {
    const spy = jest.spyOn(nodeCrypto, 'timingSafeEqual');
    const body = '{"event_id":"x"}';
    const secrets = ['old-secret', 'new-secret'];
    const good = signPayload(body, 'new-secret');
    const cases: Array<[label: string, signature: string, verifies: boolean]> = [
      ['valid', good, true],
      ['same length, wrong bytes', good.replace(/^./, good[0] === '0' ? '1' : '0'), false],
      ['too short', good.slice(0, 10), false],
      ['too long', `${good}00`, false],
      ['absurdly long', 'f'.repeat(100_000), false],
      ['non-hex', 'z'.repeat(64), false],
      ['empty', '', false],
    ];
    const comparisons: Record<string, Array<[number, number]>> = {};
    for (const [label, signature, verifies] of cases) {
      spy.mockClear();
      expect(verifySignature(body, signature, secrets)).toBe(verifies);
      // One comparison per secret, always of two 32-byte buffers: no early return on length.
      comparisons[label] = spy.mock.calls.map(([a, b]) => [a.byteLength, b.byteLength]);
    }
    for (const [label] of cases)
      expect([label, comparisons[label]]).toEqual([
        label,
        [
          [32, 32],
          [32, 32],
        ],
      ]);
  });

  test('the Web Crypto twin calls crypto.subtle.verify once per secret for malformed signatures too', async () => {
    const spy = jest.spyOn(crypto.subtle, 'verify');
    const body = '{"event_id":"x"}';
    const secrets = ['old-secret', 'new-secret'];
    const good = signPayload(body, 'old-secret');
    for (const [signature, verifies] of [
      [good, true],
      [good.slice(0, 63), false],
      ['', false],
      ['g'.repeat(64), false],
      ['0'.repeat(10_000), false],
    ] as const) {
      spy.mockClear();
      expect(await verifySignatureAsync(body, signature, secrets)).toBe(verifies);
      expect(spy).toHaveBeenCalledTimes(2);
      for (const call of spy.mock.calls) expect((call[2] as Uint8Array).byteLength).toBe(32);
    }
  });
});
