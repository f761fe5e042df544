import { Writable } from 'node:stream';
import Fastify from 'fastify';
import type { EventQueue, VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { expectRefusal } from '@vobiz-webhooks/test-suites';
import { vobizWebhook } from '@vobiz-webhooks/fastify';
import { inject, overHttp, serve } from './support/target';

const SECRET = 'whsec_fastify_answers';

/** Fastify's logger writing pino's JSON lines into an array. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: { level: 'warn', stream } };
}

describe('answers come from the receiver, not from Fastify', () => {
  it('GET, HEAD and OPTIONS on the path get 405 with Allow: POST, through inject and over HTTP', async () => {
    const app = Fastify({ logger: false });
    await app.register(vobizWebhook, { secret: SECRET, logger: false, on: {} });
    const served = await serve(app);
    try {
      for (const send of [
        (m: string) => inject(app, { method: m }),
        (m: string) => overHttp(served.origin, { method: m }),
      ]) {
        for (const method of ['GET', 'OPTIONS']) {
          const answer = await send(method);
          expectRefusal(answer, 405, 'method_not_allowed');
          expect(answer.headers.allow).toBe('POST');
        }
        const head = await send('HEAD');
        expect([head.status, head.headers.allow, head.body]).toEqual([405, 'POST', '']);
      }
    } finally {
      await served.close();
    }
  });

  it('every other method the app takes gets the same 405: TRACE, QUERY (with or without a Content-Type) and methods added with addHttpMethod', async () => {
    const app = Fastify({ logger: false });
    app.addHttpMethod('PROPFIND');
    await app.register(vobizWebhook, { secret: SECRET, logger: false, on: {} });
    const served = await serve(app);
    try {
      const others = app.supportedMethods.filter((method) => !['POST', 'HEAD'].includes(method));
      expect(others).toEqual(expect.arrayContaining(['TRACE', 'QUERY', 'PROPFIND', 'DELETE', 'PATCH', 'PUT']));
      for (const method of others) {
        for (const answer of [await inject(app, { method }), await overHttp(served.origin, { method })]) {
          expectRefusal(answer, 405, 'method_not_allowed');
          expect(answer.headers.allow).toBe('POST');
        }
      }
      const query = await inject(app, { method: 'QUERY', headers: { 'content-type': 'application/json' }, body: '{}' });
      expectRefusal(query, 405, 'method_not_allowed');
    } finally {
      await served.close();
    }
  });

  it('a handler that throws answers 500 handler_failed in our shape, not through any error handler', async () => {
    const { lines, logger } = capturedLogger();
    const app = Fastify({ logger });
    app.setErrorHandler(async (_error, _request, reply) => reply.code(418).send({ mine: true }));
    await app.register(vobizWebhook, {
      secret: SECRET,
      on: {
        'message.inbound': () => {
          throw new Error('the database is down');
        },
      },
    });
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    const answer = await inject(app, { headers, body });
    expectRefusal(answer, 500, 'handler_failed');
    // Logged through Fastify's logger by default, with the cause where pino shows it.
    const failure = lines.find((line) => String(line.msg).includes('handler for message.inbound failed'));
    expect(failure).toMatchObject({ level: 50, err: { type: 'Error', message: 'the database is down' } });
    expect(failure).toHaveProperty('reqId'); // through request.log
  });

  it('the logger: register logLevel, logger: app.log, a logger of your own, or logger: false', async () => {
    const quiet = capturedLogger();
    const app = Fastify({ logger: quiet.logger });
    await app.register(vobizWebhook, { secret: SECRET, on: {}, logLevel: 'error' });
    const forged = signedRequest(createTestEvent('message.inbound'), 'whsec_wrong');
    expectRefusal(await inject(app, forged), 401, 'invalid_signature');
    expect(quiet.lines).toEqual([]); // the warn-level diagnosis is below this context's level

    const warnings: unknown[][] = [];
    const own = Fastify({ logger: false });
    await own.register(vobizWebhook, {
      secret: SECRET,
      on: {},
      logger: { warn: (...args) => warnings.push(args), error: (...args) => warnings.push(args) },
    });
    expectRefusal(await inject(own, forged), 401, 'invalid_signature');
    expect(warnings.length).toBeGreaterThan(0);
    expect(String(warnings[0]?.[0])).toContain('[vobiz-webhooks]');

    const explicit = capturedLogger();
    const withAppLog = Fastify({ logger: explicit.logger });
    await withAppLog.register(vobizWebhook, { secret: SECRET, on: {}, logger: withAppLog.log });
    expectRefusal(await inject(withAppLog, forged), 401, 'invalid_signature');
    expect(explicit.lines.map((line) => [line.level, typeof line.reqId])).toContainEqual([40, 'string']);

    const loud = capturedLogger();
    const silenced = Fastify({ logger: loud.logger });
    await silenced.register(vobizWebhook, { secret: SECRET, on: {}, logger: false });
    expectRefusal(await inject(silenced, forged), 401, 'invalid_signature');
    expect(loud.lines).toEqual([]);
  });

  it('queue mode answers 200 once the event is queued, and 503 queue_unavailable when it is not', async () => {
    const queued: VobizEvent[] = [];
    let down = false;
    const queue: EventQueue = {
      enqueue: async (event) => {
        if (down) throw new Error('redis is down');
        queued.push(event);
      },
    };
    const app = Fastify({ logger: false });
    await app.register(vobizWebhook, { secret: SECRET, logger: false, queue });
    const event = createTestEvent('message.status');
    expect((await inject(app, signedRequest(event, SECRET))).body).toEqual({ ok: true });
    expect(queued.map((e) => e.event_id)).toEqual([event.event_id]);
    down = true;
    expectRefusal(await inject(app, signedRequest(createTestEvent('call.connect'), SECRET)), 503, 'queue_unavailable');
  });

  it('refuses bad options when the plugin loads, with the fix in the message', async () => {
    const app = Fastify({ logger: false });
    await expect(app.register(vobizWebhook, { secret: SECRET, on: {}, path: 'webhooks' })).rejects.toThrow(
      /`path` must start with '\/'/,
    );
  });
});
