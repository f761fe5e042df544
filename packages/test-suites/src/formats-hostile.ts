import fc from 'fast-check';
import { errorStatus, type EventSource, type VobizWebhookErrorCode } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { expectRefusal, SECRET, withHeaders } from './conformance';
import {
  expectChallenge,
  handshake,
  META_APP_SECRET,
  META_PATH,
  META_VERIFY_TOKEN,
  openTargets,
  recorder,
  signedDelivery,
  subscribe,
  type MakeMetaTarget,
} from './formats-conformance';
import { errorCodeOf } from './hostile/cases';
import { fuzzRuns, fuzzTimeout } from './hostile/runs';
import type { DeliveryRequest, DeliveryResponse, MakeTarget, Target } from './target';

/*
 * Hostile input aimed at what the formats added (docs/architecture.md, "Formats"): the
 * three signature headers, mixed, doubled, oversized or garbled, and Meta's GET
 * handshake, whose query is the one place a request's text is echoed back. Every
 * answer is a listed error code with its status, and nothing the request smuggled in
 * comes back unescaped, except the challenge the handshake exists to echo.
 */

const HEADER: Readonly<Record<EventSource, string>> = {
  vobiz: 'x-webhook-signature',
  'vobiz-legacy': 'x-vobiz-signature',
  meta: 'x-hub-signature-256',
};
/** The receiver a refusal names for a header the receiver at hand does not take. */
const RECEIVER_FOR: Readonly<Record<EventSource, string>> = {
  vobiz: 'vobizWebhook',
  'vobiz-legacy': 'vobizWebhook',
  meta: 'metaWebhook',
};
const SOURCES = Object.keys(HEADER) as EventSource[];
/** vobizWebhook's default path, where a handshake aimed at it goes. */
const VOBIZ_PATH = '/webhooks/vobiz';

/** The receiver under attack: which formats it takes, its key, and where its deliveries go. */
interface Side {
  accepts: readonly EventSource[];
  secret: string;
  path: string | undefined;
}
const VOBIZ_SIDE: Side = { accepts: ['vobiz', 'vobiz-legacy'], secret: SECRET, path: undefined };
const META_SIDE: Side = { accepts: ['meta'], secret: META_APP_SECRET, path: META_PATH };

/** A real delivery in a format, signed as that format's sender does with this side's key. */
function signedIn(format: EventSource, side: Side): DeliveryRequest {
  const body = format === 'vobiz' ? createTestEvent('message.inbound') : createTestEvent('message.inbound', { format });
  const request = signedDelivery(body, side.secret, { format });
  return side.path === undefined ? request : { ...request, path: side.path };
}

/** The signature another format's sender would put on the same bytes. */
function signatureOf(request: DeliveryRequest, format: EventSource, secret: string): string {
  const headers: Record<string, string> = signedRequest(request.body ?? '', secret, { format }).headers;
  return headers[HEADER[format]] as string;
}

/** Header values no sender produces, built from the valid one where that makes them nastier. */
const JUNK_SIGNATURES: ReadonlyArray<{ what: string; value: (valid: string) => string }> = [
  { what: 'the valid value twice, joined with ", " (the header sent twice)', value: (valid) => `${valid}, ${valid}` },
  { what: 'an oversized value (over 8 KiB)', value: (valid) => valid.repeat(128) },
  { what: 'markup', value: () => '<script>alert(document.cookie)</script>' },
  { what: 'non-ASCII (Latin-1) text', value: () => 'é'.repeat(64) },
  { what: 'the valid value with a Latin-1 character after it', value: (valid) => `${valid}ÿ` },
];

interface HostileRequest {
  situation: string;
  request: () => DeliveryRequest;
  status: number;
  code: VobizWebhookErrorCode;
  /** What the refusal's message must name: the header to send, or the receiver to use. */
  names?: string;
}

/**
 * Junk in each of the three headers: refused as a bad signature in a header this side
 * takes, and as a missing one, naming the right receiver, in a header it does not.
 */
function junkHeaderCases(side: Side): HostileRequest[] {
  return SOURCES.flatMap((format) =>
    JUNK_SIGNATURES.map(({ what, value }): HostileRequest => {
      const accepted = side.accepts.includes(format);
      return {
        situation: `${HEADER[format]} carrying ${what}`,
        request: () => {
          const request = signedIn(format, side);
          return withHeaders(request, { [HEADER[format]]: value(signatureOf(request, format, side.secret)) });
        },
        status: 401,
        ...(accepted ? { code: 'invalid_signature' } : { code: 'missing_signature', names: RECEIVER_FOR[format] }),
      };
    }),
  );
}

/** A request of `format` with more signature headers set: each value signs the same bytes, or a forgery. */
function withSignatures(format: EventSource, side: Side, headers: ReadonlyArray<[EventSource, 'valid' | 'forged']>) {
  const request = signedIn(format, side);
  const value = (source: EventSource, how: 'valid' | 'forged') =>
    signatureOf(how === 'valid' ? request : { body: 'another body' }, source, side.secret);
  return withHeaders(request, Object.fromEntries(headers.map(([source, how]) => [HEADER[source], value(source, how)])));
}

/** A valid signature where this side does not look, two it takes at once, or a forgery beside another format's. */
function mixedHeaderCases(side: Side): HostileRequest[] {
  const [first, ...others] = side.accepts as [EventSource, ...EventSource[]];
  const foreign = SOURCES.filter((format) => !side.accepts.includes(format));
  return [
    ...foreign.map((format): HostileRequest => ({
      situation: `a valid ${HEADER[format]} alone (a delivery for ${RECEIVER_FOR[format]})`,
      request: () => signedIn(format, side),
      status: 401,
      code: 'missing_signature',
      names: RECEIVER_FOR[format],
    })),
    ...others.map((other): HostileRequest => ({
      situation: `valid ${HEADER[first]} and ${HEADER[other]} together`,
      request: () => withSignatures(first, side, [[other, 'valid']]),
      status: 401,
      code: 'invalid_signature',
    })),
    ...side.accepts.flatMap((format) =>
      foreign.map((other): HostileRequest => ({
        situation: `a forged ${HEADER[format]} beside a valid ${HEADER[other]}`,
        request: () =>
          withSignatures(format, side, [
            [format, 'forged'],
            [other, 'valid'],
          ]),
        status: 401,
        code: 'invalid_signature',
      })),
    ),
  ];
}

/** Meta's handshake with what an attacker can put in its query. */
const HANDSHAKE_CASES: readonly HostileRequest[] = [
  ...[
    { what: 'a wrong token carrying markup', token: '<script>alert(1)</script>' },
    { what: 'the right token with a newline after it', token: `${META_VERIFY_TOKEN}\n` },
    { what: 'the right token with a NUL after it', token: `${META_VERIFY_TOKEN}\u0000` },
    { what: 'an oversized wrong token', token: 'x'.repeat(4_000) },
  ].map(({ what, token }): HostileRequest => ({
    situation: `a handshake with ${what}`,
    request: () => handshake(subscribe('1158201444', { 'hub.verify_token': token })),
    status: 403,
    code: 'verification_failed',
  })),
  ...['subscribe\r\nSet-Cookie: session=stolen', '<img src=x onerror=alert(1)>', 'SUBSCRIBE'].map(
    (mode): HostileRequest => ({
      situation: `a handshake with hub.mode ${JSON.stringify(mode)}`,
      request: () => handshake(subscribe('1158201444', { 'hub.mode': mode })),
      status: 403,
      code: 'verification_failed',
    }),
  ),
  {
    situation: 'a handshake without a challenge',
    request: () => handshake({ 'hub.mode': 'subscribe', 'hub.verify_token': META_VERIFY_TOKEN }),
    status: 400,
    code: 'invalid_challenge',
  },
  ...[
    { what: 'an oversized challenge (10,000 characters)', challenge: '7'.repeat(10_000) },
    { what: 'a challenge with CRLF and a header after it', challenge: '1158201444\r\nSet-Cookie: session=stolen' },
    { what: 'a challenge with a newline', challenge: '1158\n201444' },
    { what: 'a challenge with a NUL', challenge: '1158\u0000201444' },
    { what: 'a challenge with a tab', challenge: '1158\t201444' },
    { what: 'a challenge with DEL', challenge: '1158201444\u007f' },
    { what: 'a non-ASCII challenge with markup', challenge: '<b>défi</b>' },
    { what: 'a challenge with a right-to-left override', challenge: '1158\u202e201444' },
  ].map(({ what, challenge }): HostileRequest => ({
    situation: `a handshake with ${what}`,
    request: () => handshake(subscribe(challenge)),
    status: 400,
    code: 'invalid_challenge',
  })),
  {
    situation: 'a GET with a challenge but no hub.mode',
    request: () => handshake({ 'hub.challenge': '<script>alert(1)</script>' }),
    status: 405,
    code: 'method_not_allowed',
  },
];

/** Whatever a request carried in its signature headers and query, that an answer must not repeat. */
function smuggledBy(request: DeliveryRequest): string[] {
  const headers = Object.entries(request.headers ?? {})
    .filter(([name]) => name.includes('signature'))
    .map(([, value]) => value);
  const query = request.path?.includes('?') ? [...new URLSearchParams(request.path.split('?')[1]).values()] : [];
  return [...headers, ...query].filter((value) => value.length >= 6 && value !== 'subscribe');
}

/**
 * A refusal as errors.ts lists it, as JSON, with a message free of control characters,
 * that repeats nothing the request smuggled in and sets nothing (no cookie, no HTML).
 */
function expectContainedRefusal(response: DeliveryResponse, request: DeliveryRequest): void {
  const code = errorCodeOf(response.body);
  expect(code !== undefined && Object.hasOwn(errorStatus, code)).toBe(true);
  expect(response.status).toBe(errorStatus[code as VobizWebhookErrorCode]);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['set-cookie']).toBeUndefined();
  expect(response.body.error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
  const answer = JSON.stringify(response);
  for (const smuggled of smuggledBy(request)) expect(answer).not.toContain(smuggled);
}

/** Runs each hostile request against a fresh target of one side; no handler may run. */
function itRefuses(
  cases: readonly HostileRequest[],
  target: (on: ReturnType<typeof recorder>['on']) => Promise<Target>,
): void {
  for (const hostile of cases) {
    it(`${hostile.situation}: ${hostile.status} ${hostile.code}`, async () => {
      const record = recorder();
      const t = await target(record.on);
      const request = hostile.request();
      const response = await t.send(request);
      expectRefusal(response, hostile.status, hostile.code);
      expectContainedRefusal(response, request);
      if (hostile.names !== undefined) expect(response.body.error.message).toContain(hostile.names);
      expect(record.seen).toEqual([]);
    });
  }
}

/** Challenges from every corner: printable, binary, markup and control characters, numbers, too long. */
const challengeArb = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('<', '>', '"', "'", '&', '\r', '\n', '\u0000', '\t', '+', '%', '=', 'é', '7'),
    maxLength: 40,
  }),
  fc.nat().map(String),
);
const PRINTABLE_CHALLENGE = /^[\x20-\x7e]{1,256}$/;

export function describeFormatsHostile(name: string, makeTarget: MakeTarget, makeMetaTarget?: MakeMetaTarget): void {
  describe(`${name}: hostile input for the formats`, () => {
    jest.setTimeout(30_000);

    describe('vobizWebhook', () => {
      const open = openTargets(makeTarget);
      const target = (on: ReturnType<typeof recorder>['on']) =>
        open({ secret: SECRET, logger: false, on: on('message.inbound', '*') });
      itRefuses(
        [
          ...mixedHeaderCases(VOBIZ_SIDE),
          ...junkHeaderCases(VOBIZ_SIDE),
          {
            situation: "Meta's handshake sent to vobizWebhook",
            request: () => handshake(subscribe('<script>alert(1)</script>'), VOBIZ_PATH),
            status: 405,
            code: 'method_not_allowed',
          },
        ],
        target,
      );
    });

    if (makeMetaTarget === undefined) return;

    describe('metaWebhook', () => {
      const open = openTargets(makeMetaTarget);
      const target = (on: ReturnType<typeof recorder>['on']) =>
        open({
          appSecret: META_APP_SECRET,
          verifyToken: META_VERIFY_TOKEN,
          logger: false,
          on: on('message.inbound', '*'),
        });
      itRefuses([...mixedHeaderCases(META_SIDE), ...junkHeaderCases(META_SIDE), ...HANDSHAKE_CASES], target);

      it('a challenge of markup is echoed only as text/plain with nosniff, never as HTML', async () => {
        const t = await target(recorder().on);
        const challenge = '<script>alert(document.cookie)</script>';
        const response = await t.send(handshake(subscribe(challenge)));
        expectChallenge(response, challenge);
        expect(response.headers['content-type']).not.toMatch(/html/i);
        expect(response.headers['set-cookie']).toBeUndefined();
      });

      it(
        `any challenge is echoed exactly when it is 1–256 printable ASCII characters, else 400 invalid_challenge (${fuzzRuns(150)} cases)`,
        async () => {
          const t = await target(recorder().on);
          await fc.assert(
            fc.asyncProperty(challengeArb, async (challenge) => {
              const request = handshake(subscribe(challenge));
              const response = await t.send(request);
              if (PRINTABLE_CHALLENGE.test(challenge)) return expectChallenge(response, challenge);
              expectRefusal(response, 400, 'invalid_challenge');
              expectContainedRefusal(response, request);
            }),
            { numRuns: fuzzRuns(150) },
          );
        },
        fuzzTimeout(60_000),
      );
    });
  });
}
