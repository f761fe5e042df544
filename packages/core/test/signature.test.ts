import { createHmac } from 'node:crypto';
import { signPayload, signPayloadAsync, verifySignature, verifySignatureAsync } from '@vobiz-webhooks/core';
import { SIGNATURE_VECTORS } from './support/vectors';

// The vectors are recomputed here with node:crypto directly, not with the code under
// test; the edge test (edge.edge.test.ts) checks the Web Crypto path against them too.
const hmac = (body: string | Uint8Array, secret: string) => createHmac('sha256', secret).update(body).digest('hex');

const VECTORS = SIGNATURE_VECTORS;

describe('signPayload', () => {
  it.each(VECTORS)('matches an independent HMAC-SHA256 for %j', ({ body, secret, hex }) => {
    expect(hmac(body, secret)).toBe(hex);
    expect(signPayload(body, secret)).toBe(hex);
    expect(signPayload(new TextEncoder().encode(body), secret)).toBe(hex);
  });

  it('is lowercase hex with no prefix, as Vobiz sends it', () => {
    expect(signPayload('{}', 'secret')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs the exact bytes: re-serialized JSON gives another signature', () => {
    const raw = '{"a": 1,"b":"\\u00e1"}';
    expect(signPayload(raw, 'k')).not.toBe(signPayload(JSON.stringify(JSON.parse(raw)), 'k'));
  });

  it('refuses a misconfigured secret', () => {
    expect(() => signPayload('{}', '')).toThrow(/empty/);
    expect(() => signPayload('{}', ' k')).toThrow(/whitespace/);
  });
});

describe('verifySignature', () => {
  const body = '{"event_type":"message.inbound","text":"¡olé! 🎉"}';
  const secret = 'whsec_current';
  const good = hmac(body, secret);

  it('accepts the HMAC of the exact body, as string or bytes', () => {
    expect(verifySignature(body, good, secret)).toBe(true);
    expect(verifySignature(Buffer.from(body), good, secret)).toBe(true);
    expect(verifySignature(new TextEncoder().encode(body), good, secret)).toBe(true);
  });

  it('accepts an uppercase hex signature (hex is case-insensitive)', () => {
    expect(verifySignature(body, good.toUpperCase(), secret)).toBe(true);
  });

  it('rejects another body, another secret, or a one-digit change', () => {
    expect(verifySignature(`${body} `, good, secret)).toBe(false);
    expect(verifySignature(body, good, 'whsec_other')).toBe(false);
    const flipped = (good[0] === '0' ? '1' : '0') + good.slice(1);
    expect(verifySignature(body, flipped, secret)).toBe(false);
  });

  it('rotation: any of several secrets may match', () => {
    const old = hmac(body, 'whsec_old');
    expect(verifySignature(body, old, ['whsec_old', secret])).toBe(true);
    expect(verifySignature(body, good, ['whsec_old', secret])).toBe(true);
    expect(verifySignature(body, hmac(body, 'whsec_third'), ['whsec_old', secret])).toBe(false);
  });

  const malformed: Array<string | null | undefined> = [
    undefined,
    null,
    '',
    'abc',
    `sha256=${good}`,
    `${good}00`,
    good.slice(0, 63),
    `${good.slice(0, 63)}g`,
    ' '.repeat(64),
    '💥'.repeat(32),
    good.padEnd(10_000, 'f'),
  ];
  it.each(malformed.map((signature) => [signature]))(
    'never throws on a malformed signature (%j), and answers false',
    (signature) => {
      expect(() => verifySignature(body, signature, secret)).not.toThrow();
      expect(verifySignature(body, signature, secret)).toBe(false);
    },
  );

  it('throws on a misconfigured secret rather than silently rejecting everything', () => {
    expect(() => verifySignature(body, good, '')).toThrow(TypeError);
    expect(() => verifySignature(body, good, [])).toThrow(/empty array/);
  });
});

describe('the async (Web Crypto) twins give the same answers', () => {
  it.each(VECTORS)('signPayloadAsync matches for %j', async ({ body, secret, hex }) => {
    await expect(signPayloadAsync(body, secret)).resolves.toBe(hex);
    await expect(signPayloadAsync(new TextEncoder().encode(body), secret)).resolves.toBe(hex);
  });

  it('verifySignatureAsync agrees with verifySignature on good, bad, rotated and malformed signatures', async () => {
    const body = '{"x":"ñ"}';
    const cases: Array<[string | null | undefined, string | string[]]> = [
      [hmac(body, 'a1'), 'a1'],
      [hmac(body, 'a1').toUpperCase(), 'a1'],
      [hmac(body, 'a1'), 'b2'],
      [hmac(body, 'a1'), ['b2', 'a1']],
      [hmac(body, 'c3'), ['b2', 'a1']],
      [undefined, 'a1'],
      [null, 'a1'],
      ['', 'a1'],
      ['zz', 'a1'],
      [`sha256=${hmac(body, 'a1')}`, 'a1'],
    ];
    for (const [signature, secret] of cases) {
      const sync = verifySignature(body, signature, secret);
      await expect(verifySignatureAsync(body, signature, secret)).resolves.toBe(sync);
    }
    expect(cases.filter(([signature, secret]) => verifySignature(body, signature, secret))).toHaveLength(3);
  });
});
