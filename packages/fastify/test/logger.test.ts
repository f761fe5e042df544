import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { expectRefusal } from '@vobiz-webhooks/test-suites';
import { vobizWebhook } from '@vobiz-webhooks/fastify';
import { inject } from './support/target';

// The receiver's lines go through each request's own `request.log`, however deliveries
// interleave, and whichever way Fastify built that logger (its own pino, or a
// childLoggerFactory on an app whose logging is off).
const SECRET = 'whsec_fastify_logger';

/** pino's JSON lines written into an array. */
function captured() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

/** A handler that fails each event only once every event has arrived, so the deliveries are in flight together. */
function failingTogether(count: number) {
  let arrived = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async (event: VobizEvent) => {
    if (++arrived === count) release();
    await all;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
    throw new Error(`failed ${event.event_id}`);
  };
}

const failureLines = (lines: Record<string, unknown>[]) =>
  lines.filter((line) => String(line.msg).includes('handler for message.inbound failed'));

it("deliveries in flight together: each failure is logged with its own request's reqId", async () => {
  const { lines, stream } = captured();
  // The reqId is the delivery's event id, so a line logged through another request's logger shows.
  const app = Fastify({ logger: { level: 'warn', stream }, genReqId: (req) => String(req.headers['x-test-id']) });
  await app.register(vobizWebhook, { secret: SECRET, on: { 'message.inbound': failingTogether(6) } });
  const events = Array.from({ length: 6 }, () => createTestEvent('message.inbound'));
  const answers = await Promise.all(
    events.map((event) => {
      const { body, headers } = signedRequest(event, SECRET);
      return inject(app, { body, headers: { ...headers, 'x-test-id': event.event_id } });
    }),
  );
  for (const answer of answers) expectRefusal(answer, 500, 'handler_failed');
  const failures = failureLines(lines);
  expect(failures).toHaveLength(6);
  for (const line of failures) expect(String(line.msg)).toContain(`(event_id ${String(line.reqId)})`);
});

it("logging off, but a childLoggerFactory gives each request a logger: the receiver's lines go to it", async () => {
  const written: unknown[][] = [];
  const noop = () => undefined;
  const childOf = (bindings: Record<string, unknown>): FastifyBaseLogger =>
    ({
      level: 'info',
      bindings,
      child: childOf,
      info: noop,
      debug: noop,
      trace: noop,
      fatal: noop,
      silent: noop,
      warn: (...args: unknown[]) => void written.push(['warn', bindings.reqId, ...args]),
      error: (...args: unknown[]) => void written.push(['error', bindings.reqId, ...args]),
    }) as unknown as FastifyBaseLogger;
  const app = Fastify({
    logger: false,
    genReqId: (req) => String(req.headers['x-test-id']),
    childLoggerFactory: (_logger, bindings) => childOf(bindings),
  });
  await app.register(vobizWebhook, { secret: SECRET, on: { 'message.inbound': failingTogether(1) } });
  const event = createTestEvent('message.inbound');
  const { body, headers } = signedRequest(event, SECRET);
  expectRefusal(await inject(app, { body, headers: { ...headers, 'x-test-id': 'req-own' } }), 500, 'handler_failed');
  expect(written).toContainEqual([
    'error',
    'req-own',
    expect.objectContaining({ err: expect.any(Error) }),
    expect.any(String),
  ]);
});

it("logging off and no factory: the receiver's lines go nowhere, and deliveries are answered as usual", async () => {
  const app = Fastify({ logger: false });
  await app.register(vobizWebhook, { secret: SECRET, on: { 'message.inbound': () => undefined } });
  const forged = signedRequest(createTestEvent('message.inbound'), 'whsec_wrong');
  expectRefusal(await inject(app, forged), 401, 'invalid_signature');
  expect((await inject(app, signedRequest(createTestEvent('message.inbound'), SECRET))).body).toEqual({ ok: true });
});
