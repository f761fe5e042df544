import { createHash } from 'node:crypto';
import {
  createReceiver,
  explainSignatureMismatch,
  signPayload,
  type Receiver,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

const SECRET = 'whsec_diagnostics_test_secret';
const event = createTestEvent('message.inbound', { event_id: 'diag-1' });
const body = JSON.stringify(event);
const goodSignature = signPayload(body, SECRET);

type Receive = { status: number; error?: { code: string } | undefined };

/** Sends one delivery through the real receiver and returns its answer and every warn call. */
async function deliver(
  options: {
    signature?: string | undefined;
    rawBody?: string | Uint8Array;
    secret?: VobizWebhookOptions['secret'];
  } = {},
): Promise<{ result: Receive; warnings: string[]; explanations: string[] }> {
  const warnings: string[] = [];
  const receiver = createReceiver({
    secret: options.secret ?? SECRET,
    on: { '*': () => undefined },
    logger: { warn: (...args: unknown[]) => warnings.push(args.map(String).join(' ')), error: () => undefined },
  });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.signature !== undefined) headers['x-webhook-signature'] = options.signature;
  const result = await receiver.receive({ method: 'POST', headers, rawBody: options.rawBody ?? Buffer.from(body) });
  return { result, warnings, explanations: warnings.filter((line) => line.includes('did not verify')) };
}

/** The single explanation of a refused delivery, after checking the answer. */
async function explanationFor(
  options: Parameters<typeof deliver>[0],
  code: 'invalid_signature' | 'missing_signature' = 'invalid_signature',
): Promise<string> {
  const { result, explanations } = await deliver(options);
  expect(result.status).toBe(401);
  expect(result.error?.code).toBe(code);
  expect(explanations).toHaveLength(1);
  return explanations[0] as string;
}

describe('signature-mismatch diagnostics', () => {
  const savedNodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = savedNodeEnv;
  });

  it('stays silent on the success path', async () => {
    const { result, warnings } = await deliver({ signature: goodSignature });
    expect(result.status).toBe(200);
    expect(warnings).toEqual([]);
  });

  it('explains a missing header', async () => {
    const text = await explanationFor({}, 'missing_signature');
    expect(text).toContain('Likely cause: the request carries no X-Webhook-Signature');
    expect(text).toContain('signature header: missing');
  });

  it("names a 'sha256=' prefix, and says the rest matches", async () => {
    const text = await explanationFor({ signature: `sha256=${goodSignature}` });
    expect(text).toContain(
      "the signature matches the secret once the header is cleaned up (it is prefixed with 'sha256=')",
    );
    expect(text).toContain("'sha256=' prefix + 64 chars");
  });

  it('names a prefixed header that does not match either', async () => {
    const text = await explanationFor({ signature: `sha256=${signPayload(body, 'another-secret')}` });
    expect(text).toContain("Likely cause: the header is prefixed with 'sha256='");
  });

  it('names a header of the wrong length', async () => {
    const text = await explanationFor({ signature: goodSignature.slice(0, 40) });
    expect(text).toContain('40 hex chars long instead of 64');
    expect(text).toContain('signature header: 40 hex chars (an HMAC-SHA256 in hex is 64)');
  });

  it('names a header that is not hex, and spots base64', async () => {
    const notHex = await explanationFor({ signature: 'z'.repeat(64) });
    expect(notHex).toContain('Likely cause: the header is not hex');
    const base64 = Buffer.from(goodSignature, 'hex').toString('base64');
    expect(await explanationFor({ signature: base64 })).toContain('not hex (looks like base64; Vobiz sends hex)');
  });

  it('notes an upper-case header (accepted when it matches, so only a wrong one reaches here)', async () => {
    expect((await deliver({ signature: goodSignature.toUpperCase() })).result.status).toBe(200);
    const text = await explanationFor({ signature: signPayload(body, 'another-secret').toUpperCase() });
    expect(text).toContain('64 hex chars in upper case');
    expect(text).toContain("the secret is not this subscription's secret");
  });

  it('gives the body length and its SHA-256, never the body or the secret', async () => {
    const text = await explanationFor({ signature: signPayload(body, 'another-secret') });
    const bytes = Buffer.from(body, 'utf8');
    expect(text).toContain(`body: ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
    expect(text).toContain('raw body source: bytes read from the request');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(event.event_id);
    expect(text).not.toContain('Hola');
  });

  it('names a string body left by an earlier parser', async () => {
    const text = await explanationFor({ rawBody: body, signature: signPayload(`${body} `, SECRET) });
    expect(text).toContain('raw body source: text, not bytes (e.g. left by an earlier body parser)');
    expect(text).toContain('Likely cause: the raw body came as text, not bytes (typically from an earlier body parser');
    // Bytes from the stream are not blamed on a parser.
    const fromStream = await explanationFor({ rawBody: Buffer.from(body), signature: signPayload(`${body} `, SECRET) });
    expect(fromStream).not.toContain('body parser');
  });

  it('names a string body that a parser decoded lossily (U+FFFD)', async () => {
    // Latin-1 bytes decoded as UTF-8: what a parser with the wrong charset leaves.
    const original = Buffer.from(body.replace('Hola', 'Hol\u00e1'), 'latin1');
    const decoded = original.toString('utf8');
    expect(decoded).toContain('\uFFFD');
    const text = await explanationFor({ rawBody: decoded, signature: signPayload(original, SECRET) });
    expect(text).toContain('replaced invalid characters (U+FFFD)');
  });

  it('names a secret loaded with its quotes, and says it matches without them', async () => {
    const matching = await explanationFor({ secret: `"${SECRET}"`, signature: goodSignature });
    expect(matching).toContain('the secret matches once its surrounding quotes are removed');
    expect(matching).toContain('starts and ends with a quote');
    expect(matching).not.toContain(SECRET);

    const other = await explanationFor({ secret: `'${SECRET}'`, signature: signPayload(body, 'another-secret') });
    expect(other).toContain('Likely cause: the secret starts and ends with a quote character');
  });

  it('says which of several secrets were tried, and which one matches a fixed-up header', async () => {
    const none = await explanationFor({ secret: ['old-secret', 'new-secret'], signature: signPayload(body, 'third') });
    expect(none).toContain('secrets: tried 2 secrets (secret[0], secret[1]), none matched');

    const second = await explanationFor({ secret: ['old-secret', SECRET], signature: `sha256=${goodSignature}` });
    expect(second).toContain('the signature matches secret[1] once the header is cleaned up');
  });

  it('names a newline added to the body after signing', async () => {
    const text = await explanationFor({ rawBody: Buffer.from(`${body}\n`), signature: goodSignature });
    expect(text).toContain('matches the body without its trailing newline');
  });

  it('names an empty body', async () => {
    const text = await explanationFor({ rawBody: new Uint8Array(0), signature: goodSignature });
    expect(text).toContain('Likely cause: the body is empty');
    expect(text).toContain('body: 0 bytes, sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('is off in production, while the 401 is unchanged', async () => {
    process.env.NODE_ENV = 'production';
    const { result, warnings, explanations } = await deliver({ signature: signPayload(body, 'another-secret') });
    expect(result.status).toBe(401);
    expect(result.error?.code).toBe('invalid_signature');
    expect(explanations).toEqual([]);
    expect(warnings).toHaveLength(1);
  });

  it('is exported for tools, and works on a string body directly', async () => {
    const text = await explainSignatureMismatch({
      body: '{}',
      signature: `sha256=${signPayload('{}', SECRET)}`,
      secret: SECRET,
    });
    expect(text).toContain("once the header is cleaned up (it is prefixed with 'sha256=')");
    expect(text).toContain('body: 2 bytes');
  });
});

/**
 * A receiver on a fake clock (10:00 on 2026-03-25) whose warnings are collected, for the flood
 * tests: `run` gets it, and the real timers are back afterwards.
 */
async function underFlood(
  options: Partial<VobizWebhookOptions>,
  run: (receiver: Receiver, warnings: string[]) => Promise<void>,
): Promise<void> {
  jest.useFakeTimers({
    now: new Date('2026-03-25T10:00:00Z'),
    doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
  });
  try {
    const warnings: string[] = [];
    const receiver = createReceiver({
      secret: SECRET,
      on: { '*': () => undefined },
      logger: { warn: (...args: unknown[]) => warnings.push(args.map(String).join(' ')), error: () => undefined },
      ...options,
    } as VobizWebhookOptions);
    await run(receiver, warnings);
  } finally {
    jest.useRealTimers();
  }
}

describe('signature-mismatch diagnostics under a flood', () => {
  it('explains at most 5 mismatches and logs at most 5 refusals every 10 s per receiver, and counts the rest', () =>
    underFlood({ maxEventAgeMs: false }, async (receiver, warnings) => {
      const forged = () =>
        receiver.receive({
          method: 'POST',
          headers: { 'x-webhook-signature': 'f'.repeat(64) },
          rawBody: Buffer.from(body),
        });
      for (let i = 0; i < 9; i++) expect((await forged()).status).toBe(401);
      expect(warnings.filter((line) => line.includes('did not verify'))).toHaveLength(5);
      expect(warnings.filter((line) => line.includes('401 invalid_signature'))).toHaveLength(5);

      jest.setSystemTime(Date.now() + 10_001);
      expect((await forged()).status).toBe(401);
      const explanations = warnings.filter((line) => line.includes('did not verify'));
      expect(explanations).toHaveLength(6);
      expect(explanations[5]).toContain('4 earlier mismatches were not explained');
      const refusals = warnings.filter((line) => line.includes('401 invalid_signature'));
      expect(refusals).toHaveLength(6);
      expect(refusals[5]).toContain('4 similar lines held back');
    }));
});

describe('signed refusals under a replay flood', () => {
  it('logs at most 20 stale_event refusals every 10 s per receiver, counts the rest, and still says other refusals', () =>
    underFlood({}, async (receiver, warnings) => {
      // A captured delivery, signed and three days old, replayed over and over.
      const old = signedRequest(createTestEvent('message.inbound', { occurred_at: '2026-03-22T10:00:00Z' }), SECRET);
      const replay = () => receiver.receive({ method: 'POST', headers: old.headers, rawBody: old.body });
      for (let i = 0; i < 1_000; i++) expect((await replay()).error?.code).toBe('stale_event');
      expect(warnings.filter((line) => line.includes('400 stale_event'))).toHaveLength(20);

      jest.setSystemTime(Date.now() + 10_001);
      expect((await replay()).error?.code).toBe('stale_event');
      const refusals = warnings.filter((line) => line.includes('400 stale_event'));
      expect(refusals).toHaveLength(21);
      expect(refusals[20]).toContain('980 similar lines held back');

      // The flood of one code hides no other: a malformed signed body is still said at once.
      const malformed = signedRequest({ not: 'an envelope' }, SECRET);
      const answer = await receiver.receive({ method: 'POST', headers: malformed.headers, rawBody: malformed.body });
      expect(answer.error?.code).toBe('invalid_envelope');
      expect(warnings.filter((line) => line.includes('400 invalid_envelope'))).toHaveLength(1);
    }));
});
