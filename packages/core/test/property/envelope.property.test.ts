import fc from 'fast-check';
import { envelopeSchema, parseEnvelope, VobizWebhookError } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { fuzzRuns } from '@vobiz-webhooks/test-suites';

// parseEnvelope checks the common envelope in place and leaves every other value to
// `envelopeSchema`: the two must agree on every value, the odd ones most of all.

const valid = createTestEvent('message.inbound');

/** A value for one envelope field: any JSON, or a near miss of what the field wants. */
const fieldValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    '',
    ' ',
    'e',
    valid.occurred_at,
    '2026-03-25T10:00:00Z',
    '2026-03-25T10:00:00.123+05:30',
    '2026-03-25T10:00:00',
    '2026-03-25 10:00:00Z',
    '2026-02-30T10:00:00Z',
    '2026-03-25t10:00:00z',
    '25/03/2026',
    1774432800000,
    [],
    {},
    null,
  ),
  fc.constant(undefined),
);

const field = fc.constantFrom('event_id', 'event_type', 'account_id', 'occurred_at', 'payload', 'extra');

/** The valid envelope with up to three fields replaced (or removed, as undefined), or some other JSON root. */
const envelope = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(field, fieldValue, { maxKeys: 3 }).map((changes) => ({ ...valid, ...changes })),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);

const accepted = (input: unknown): boolean => {
  try {
    parseEnvelope(input);
    return true;
  } catch (error) {
    if (!(error instanceof VobizWebhookError) || error.code !== 'invalid_envelope') throw error;
    return false;
  }
};

test('parseEnvelope accepts exactly what envelopeSchema accepts, parsed or as JSON text', () => {
  fc.assert(
    fc.property(envelope, (input) => {
      // A string is taken as JSON text, so only other values are passed in parsed.
      if (typeof input !== 'string') expect(accepted(input)).toBe(envelopeSchema.safeParse(input).success);
      // Through JSON, as a delivery arrives: undefined fields drop out on the way.
      const text = JSON.stringify(input);
      if (text !== undefined) expect(accepted(text)).toBe(envelopeSchema.safeParse(JSON.parse(text)).success);
    }),
    { numRuns: fuzzRuns(2000) },
  );
});
