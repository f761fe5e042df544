import { createReceiver, isVobizWebhookError, VobizWebhookError, type InlineOptions } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

// What an answer and a log line may contain: every failure is one of the listed answers,
// and nothing a sender chose reaches them unescaped or unshortened.

const SECRET = 'whsec_answers_unit_8b2e';

function recording() {
  const lines: string[] = [];
  const logger = {
    warn: (...args: unknown[]) => void lines.push(args.map(String).join(' ')),
    error: (...args: unknown[]) => void lines.push(args.map(String).join(' ')),
  };
  return { lines, logger };
}

const receiverWith = (options: Partial<InlineOptions> = {}) =>
  createReceiver({ secret: SECRET, logger: false, on: { '*': () => undefined }, ...options });

const signed = (event: object = createTestEvent('message.inbound'), extra: Record<string, string> = {}) => {
  const { body, headers } = signedRequest(event, SECRET);
  return { method: 'POST', headers: { ...headers, ...extra }, rawBody: body };
};

// Every C0 control but the tab, DEL, and every C1 control.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\r\n[12:00:00] 200 ok\u009b31m' + 'x'.repeat(16 * 1024);

describe('answers', () => {
  it('never rejects, even when the logger throws', async () => {
    const throwing = {
      warn: () => {
        throw new Error('log sink down');
      },
      error: () => {
        throw new Error('log sink down');
      },
    };
    const receiver = receiverWith({ logger: throwing, on: { '*': () => Promise.reject(new Error('handler down')) } });
    const answers = await Promise.all([
      receiver.receive(signed()),
      receiver.receive({ method: 'POST', headers: {}, rawBody: '{}' }),
      receiver.receive(signed(createTestEvent('message.inbound'), { 'x-webhook-event': 'other' })),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([500, 401, 400]);
    for (const answer of answers) expect(JSON.parse(answer.body).ok).toBe(false);
  });

  it('an unexpected error outside the handlers is 500 internal_error, not handler_failed', async () => {
    const receiver = receiverWith({
      dedupe: {
        claim: () => 'claimed',
        complete: () => undefined,
        release: () => undefined,
      },
      on: {
        '*': () => undefined,
      },
      dedupeKey: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'id')");
      },
    });
    const answer = await receiver.receive(signed());
    expect(answer.status).toBe(500);
    expect(answer.error?.code).toBe('internal_error');
    expect(answer.body).not.toContain('Cannot read properties');
  });

  it('a dedupeKey that returns no string is refused so the delivery is retried, and the log says why', async () => {
    const { lines, logger } = recording();
    let handled = 0;
    const receiver = receiverWith({
      logger,
      dedupeKey: (() => undefined) as unknown as () => string,
      on: { '*': () => void handled++ },
    });
    for (let i = 0; i < 2; i++) expect((await receiver.receive(signed())).error?.code).toBe('internal_error');
    expect(handled).toBe(0);
    expect(lines.some((line) => line.includes('dedupeKey returned undefined'))).toBe(true);
  });

  it('gives every result its own headers object', async () => {
    const receiver = receiverWith();
    const first = await receiver.receive(signed());
    first.headers['x-added'] = 'by one caller';
    const second = await receiver.receive(signed());
    expect(second.headers).not.toHaveProperty('x-added');
    const refused = await receiver.receive({ method: 'GET', headers: {}, rawBody: '' });
    refused.headers['x-added'] = 'here too';
    expect((await receiver.receive({ method: 'GET', headers: {}, rawBody: '' })).headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      allow: 'POST',
    });
  });

  it('escapes and shortens an X-Webhook-Event it echoes, in the answer and in the log', async () => {
    const { lines, logger } = recording();
    const answer = await receiverWith({ logger }).receive(
      signed(createTestEvent('message.inbound'), { 'x-webhook-event': HOSTILE }),
    );
    expect(answer.error?.code).toBe('event_type_mismatch');
    const { message } = JSON.parse(answer.body).error as { message: string };
    expect(message).not.toMatch(CONTROL);
    expect(message.length).toBeLessThan(300);
    expect(message).toContain('\\x1b]0;pwned\\x07');
    expect(lines.join('\n')).not.toMatch(CONTROL);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(400);
  });

  it('shows an invisible character in an event type it echoes, so the two types do not look the same', async () => {
    const event = { ...createTestEvent('message.inbound'), event_type: 'message.inbound\u200b' };
    const answer = await receiverWith().receive(signed(event, { 'x-webhook-event': 'message.inbound' }));
    expect(answer.error?.code).toBe('event_type_mismatch');
    const { message } = JSON.parse(answer.body).error as { message: string };
    expect(message).toContain(
      "X-Webhook-Event 'message.inbound' does not match the body's event_type 'message.inbound\\u200b'",
    );
  });

  it('escapes and shortens a Content-Type it echoes', async () => {
    const { lines, logger } = recording();
    const answer = await receiverWith({ logger }).receive(
      signed(createTestEvent('message.inbound'), { 'content-type': HOSTILE }),
    );
    expect(answer.error?.code).toBe('unsupported_media_type');
    expect(answer.body.length).toBeLessThan(400);
    expect(JSON.parse(answer.body).error.message).not.toMatch(CONTROL);
    expect(lines.join('\n')).not.toMatch(CONTROL);
  });

  it('logs unauthenticated refusals at a bounded rate, even in production', async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const { lines, logger } = recording();
      const receiver = receiverWith({ logger });
      for (let i = 0; i < 200; i++) {
        await receiver.receive({ method: 'POST', headers: { 'x-webhook-signature': 'f'.repeat(64) }, rawBody: '{}' });
      }
      expect(lines.length).toBeLessThanOrEqual(5);
    } finally {
      process.env.NODE_ENV = before;
    }
  });
});

describe('isVobizWebhookError', () => {
  it('recognises an error from another copy of the module (the ESM and the CJS build are both shipped)', () => {
    let Other: typeof VobizWebhookError | undefined;
    jest.isolateModules(() => {
      // A second, independent instance of the module: what the other module format loads.
      Other = (jest.requireActual('../src/errors') as typeof import('../src/errors')).VobizWebhookError;
    });
    expect(Other).toBeDefined();
    expect(Other).not.toBe(VobizWebhookError);
    const foreign = new Other!('invalid_signature', 'from the other copy');
    expect(foreign instanceof VobizWebhookError).toBe(false);
    expect(isVobizWebhookError(foreign)).toBe(true);
    expect(isVobizWebhookError(new VobizWebhookError('stale_event', 'this copy'))).toBe(true);
  });

  it('does not take look-alikes for it', () => {
    expect(isVobizWebhookError(Object.assign(new Error('x'), { code: 'invalid_signature', status: 401 }))).toBe(false);
    expect(isVobizWebhookError({ name: 'VobizWebhookError', code: 'stale_event' })).toBe(false);
    expect(isVobizWebhookError(null)).toBe(false);
  });
});
