import fc from 'fast-check';
import type { VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import type { MakeTarget, Target } from '../target';
import { FUZZ_SECRET, MAX_BODY_BYTES, checkOutcome, errorCodeOf, hostileCaseArb } from './cases';
import { fuzzRuns, fuzzTimeout } from './runs';

export interface HostileSuiteOptions {
  /** Cases through the adapter per run (the core receiver suite carries the volume). */
  runs: number;
  /** Jest timeout for the property; HTTP round trips on a loaded CI machine are slow. */
  timeoutMs?: number;
}

/**
 * The hostile-input promises, checked through a real adapter (its framework, its body
 * reading, its answer), with the generators and oracle the core suite uses:
 * never a 5xx or a throw out of the middleware, never a handler for an unverified
 * delivery, never a polluted prototype, signed junk answered with a listed 4xx code.
 */
export function describeHostile(
  name: string,
  makeTarget: MakeTarget,
  { runs, timeoutMs = 90_000 }: HostileSuiteOptions,
): void {
  describe(`${name}: hostile deliveries`, () => {
    const handled: VobizEvent[] = [];
    let target: Target;

    beforeAll(async () => {
      target = await makeTarget({
        secret: FUZZ_SECRET,
        logger: false,
        maxBodyBytes: MAX_BODY_BYTES,
        on: { '*': (event) => void handled.push(event) },
      });
    });
    afterAll(async () => {
      await target.close?.();
    });

    test(
      `random and hostile bodies and headers (${fuzzRuns(runs)} cases)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(hostileCaseArb({ http: true }), async (hostile) => {
            handled.length = 0;
            const response = await target.send({
              method: hostile.method,
              headers: hostile.headers as Record<string, string>,
              ...(hostile.method === 'GET' ? {} : { body: hostile.body }),
            });
            const duplicate = (response.body as { duplicate?: unknown } | null)?.duplicate === true;
            checkOutcome(hostile, { status: response.status, code: errorCodeOf(response.body), handled, duplicate });
            if (response.status === 200) expect(response.body).toMatchObject({ ok: true });
          }),
          { numRuns: fuzzRuns(runs) },
        );
      },
      fuzzTimeout(timeoutMs),
    );

    test('a valid delivery after all that hostility is still handled once (the adapter is not wedged)', async () => {
      handled.length = 0;
      const event = createTestEvent('message.inbound');
      const { body, headers } = signedRequest(event, FUZZ_SECRET);
      const first = await target.send({ headers, body });
      const again = await target.send({ headers, body });
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body).toEqual({ ok: true, duplicate: true });
      expect(handled.map((e) => e.event_id)).toEqual([event.event_id]);
    });

    test('a forged copy of a real delivery is refused with 401 and never handled', async () => {
      handled.length = 0;
      const { body, headers } = signedRequest(createTestEvent('message.inbound'), 'an-attacker-guess');
      const response = await target.send({ headers, body });
      expect([response.status, errorCodeOf(response.body)]).toEqual([401, 'invalid_signature']);
      expect(handled).toHaveLength(0);
    });

    test('a body one byte over maxBodyBytes is refused with 413 even when correctly signed', async () => {
      handled.length = 0;
      const event = createTestEvent('message.inbound');
      const json = JSON.stringify(event);
      const padded = json.replace(/"body":"/, `"body":"${'x'.repeat(MAX_BODY_BYTES + 1 - Buffer.byteLength(json))}`);
      expect(Buffer.byteLength(padded)).toBe(MAX_BODY_BYTES + 1);
      const { body, headers } = signedRequest(padded, FUZZ_SECRET);
      const response = await target.send({ headers, body });
      expect([response.status, errorCodeOf(response.body)]).toEqual([413, 'payload_too_large']);
      expect(handled).toHaveLength(0);
    });
  });
}
