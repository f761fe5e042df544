import fc from 'fast-check';
import {
  VobizWebhookError,
  createReceiver,
  memoryDedupeStore,
  type ReceiveRequest,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import {
  FUZZ_SECRET,
  MAX_BODY_BYTES,
  checkOutcome,
  errorCodeOf,
  hostileCaseArb,
  type HostileCase,
} from '@vobiz-webhooks/test-suites';
import { fuzzRuns, fuzzTimeout } from '@vobiz-webhooks/test-suites';

// Volume lives here: the core receiver driven directly (no HTTP), so 10,000 hostile
// deliveries fit in a few seconds. The adapters get a smaller share through real HTTP
// in packages/<adapter>/test/hostile.test.ts with the same generators and oracle.

function makeReceiver() {
  const handled: VobizEvent[] = [];
  const receiver = createReceiver({
    secret: [FUZZ_SECRET, 'whsec_rotated_out_later'],
    logger: false,
    maxBodyBytes: MAX_BODY_BYTES,
    on: { '*': (event) => void handled.push(event) },
  });
  return { receiver, handled };
}

/** The same bytes in every shape an adapter may hand to the core. */
const rawBodyShapeArb = fc.constantFrom('buffer', 'view-with-offset', 'string', 'reader');

function rawBodyOf(hostile: HostileCase, shape: string): ReceiveRequest['rawBody'] {
  const { body } = hostile;
  switch (shape) {
    case 'buffer':
      return Buffer.from(body);
    case 'view-with-offset': {
      // A view into a larger buffer with junk around it, as a pooled Buffer would be.
      const backing = new Uint8Array(body.byteLength + 16).fill(0x7b);
      backing.set(body, 8);
      return backing.subarray(8, 8 + body.byteLength);
    }
    case 'string': {
      // Only when the text round-trips to the same bytes; otherwise it is not the same delivery.
      const text = Buffer.from(body).toString('utf8');
      return Buffer.from(text, 'utf8').equals(Buffer.from(body)) ? text : Buffer.from(body);
    }
    default:
      return async (limit: number) => {
        // What nodeRawBody and readWebBody do: stop at the limit instead of buffering on.
        if (body.byteLength > limit) throw new VobizWebhookError('payload_too_large', 'over the limit');
        return body;
      };
  }
}

describe('createReceiver under hostile deliveries', () => {
  test(
    'never throws, never 5xx, never runs a handler for an unverified delivery, never pollutes prototypes',
    async () => {
      const { receiver, handled } = makeReceiver();
      await fc.assert(
        fc.asyncProperty(hostileCaseArb(), rawBodyShapeArb, async (hostile, shape) => {
          handled.length = 0;
          const result = await receiver.receive({
            method: hostile.method,
            headers: hostile.headers,
            rawBody: rawBodyOf(hostile, shape),
          });
          expect(result.headers['content-type']).toBe('application/json; charset=utf-8');
          const parsed = JSON.parse(result.body) as { ok: boolean };
          expect(parsed.ok).toBe(result.status === 200);
          const duplicate = result.body === '{"ok":true,"duplicate":true}';
          checkOutcome(hostile, { status: result.status, code: errorCodeOf(result.body), handled, duplicate });
          expect(result.error?.code).toBe(errorCodeOf(result.body));
        }),
        { numRuns: fuzzRuns(10_000) },
      );
    },
    fuzzTimeout(120_000),
  );

  test('error messages never echo the secret, the signature or the body', async () => {
    const { receiver } = makeReceiver();
    await fc.assert(
      fc.asyncProperty(hostileCaseArb(), async (hostile) => {
        const result = await receiver.receive({
          method: hostile.method,
          headers: hostile.headers,
          rawBody: hostile.body,
        });
        expect(result.body).not.toContain(FUZZ_SECRET);
        const signature = hostile.headers['x-webhook-signature'];
        if (typeof signature === 'string' && signature.length >= 16) expect(result.body).not.toContain(signature);
        if (result.status !== 200 && hostile.body.byteLength >= 40) {
          expect(result.body).not.toContain(Buffer.from(hostile.body).toString('utf8'));
        }
      }),
      { numRuns: fuzzRuns(500) },
    );
  });

  test(
    'with a logger (and the development-only signature diagnostics): same answers, and no log line carries a secret',
    async () => {
      const lines: string[] = [];
      const handled: VobizEvent[] = [];
      const secrets = [FUZZ_SECRET, 'whsec_rotated_out_later'];
      const capture = (...args: unknown[]) =>
        void lines.push(
          args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(' '),
        );
      const receiver = createReceiver({
        secret: secrets,
        maxBodyBytes: MAX_BODY_BYTES,
        logger: { warn: capture, error: capture },
        on: { '*': (event) => void handled.push(event) },
      });
      expect(process.env.NODE_ENV).not.toBe('production'); // Jest sets 'test': diagnostics are on
      await fc.assert(
        fc.asyncProperty(hostileCaseArb(), async (hostile) => {
          handled.length = 0;
          lines.length = 0;
          const result = await receiver.receive({
            method: hostile.method,
            headers: hostile.headers,
            rawBody: hostile.body,
          });
          const duplicate = result.body === '{"ok":true,"duplicate":true}';
          checkOutcome(hostile, { status: result.status, code: errorCodeOf(result.body), handled, duplicate });
          for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
        }),
        { numRuns: fuzzRuns(1_000) },
      );
    },
    fuzzTimeout(60_000),
  );

  test('a body parsed with __proto__ keys neither pollutes Object.prototype nor reaches the handler as an inherited field', async () => {
    const { receiver, handled } = makeReceiver();
    const base = createTestEvent('order.created');
    const json = JSON.stringify(base).replace(
      '"payload":{',
      '"payload":{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},',
    );
    const { body, headers } = signedRequest(json, FUZZ_SECRET);
    const result = await receiver.receive({ method: 'POST', headers, rawBody: body });
    expect(result.status).toBe(200);
    expect(handled).toHaveLength(1);
    const payload = handled[0]?.payload as Record<string, unknown>;
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect((payload as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  test('duplicated headers are joined, as Node joins them, and never verify', async () => {
    const { receiver, handled } = makeReceiver();
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), FUZZ_SECRET);
    const signature = headers['x-webhook-signature'];
    for (const twice of [
      [signature, signature],
      ['0'.repeat(64), signature],
      [signature, 'f'.repeat(64)],
    ]) {
      const result = await receiver.receive({
        method: 'POST',
        headers: { ...headers, 'x-webhook-signature': twice },
        rawBody: body,
      });
      expect([result.status, errorCodeOf(result.body)]).toEqual([401, 'invalid_signature']);
    }
    expect(handled).toHaveLength(0);
  });

  test('a declared Content-Length over the limit is refused before the body is read', async () => {
    const { receiver } = makeReceiver();
    const reader = jest.fn(async () => new Uint8Array(0));
    const result = await receiver.receive({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(MAX_BODY_BYTES + 1),
        'x-webhook-signature': 'a'.repeat(64),
      },
      rawBody: reader,
    });
    expect([result.status, errorCodeOf(result.body)]).toEqual([413, 'payload_too_large']);
    expect(reader).not.toHaveBeenCalled();
  });

  test('signed deliveries of every kind with a fresh event id are handled exactly once, copies are duplicates', async () => {
    const store = memoryDedupeStore({ maxEntries: 50, logger: false });
    const handled: string[] = [];
    const receiver = createReceiver({
      secret: FUZZ_SECRET,
      logger: false,
      dedupe: store,
      on: { '*': (event) => void handled.push(event.event_id) },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('message.inbound', 'message.status', 'call.connect', 'call.terminate', 'some.future_type'),
        fc.integer({ min: 1, max: 3 }),
        async (type, copies) => {
          handled.length = 0;
          const { body, headers } = signedRequest(createTestEvent(type), FUZZ_SECRET);
          const answers: string[] = [];
          for (let i = 0; i < copies; i++)
            answers.push((await receiver.receive({ method: 'POST', headers, rawBody: body })).body);
          expect(handled).toHaveLength(1);
          expect(answers).toEqual(['{"ok":true}', ...Array(copies - 1).fill('{"ok":true,"duplicate":true}')]);
          expect(store.size).toBeLessThanOrEqual(50);
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
  });
});
