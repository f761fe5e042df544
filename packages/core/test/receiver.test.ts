import {
  createMetaReceiver,
  createReceiver,
  memoryDedupeStore,
  type DedupeStore,
  type EventQueue,
  type MetaInlineOptions,
  type MetaQueueOptions,
  type MetaWebhookOptions,
  type ReceiveRequest,
  type VobizEvent,
  type InlineOptions,
} from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

// createReceiver with no framework at all: what every adapter builds on.

const SECRET = 'whsec_receiver_unit_5e8d';

const receiverWith = (options: Partial<InlineOptions> = {}) =>
  createReceiver({ secret: SECRET, logger: false, on: { '*': () => undefined }, ...options });

const signed = (event: object = createTestEvent('message.inbound')): ReceiveRequest => {
  const { body, headers } = signedRequest(event, SECRET);
  return { method: 'POST', headers, rawBody: body };
};

const parsed = (body: string) =>
  JSON.parse(body) as { ok: boolean; duplicate?: true; error?: { code: string; message: string } };

describe('createReceiver', () => {
  it('answers 200 with JSON headers, the body text and the verified event', async () => {
    const event = createTestEvent('message.inbound');
    const result = await receiverWith().receive(signed(event));
    expect(result.status).toBe(200);
    expect(parsed(result.body)).toEqual({ ok: true });
    expect(result.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    expect(result.event).toEqual(event);
    expect(result.error).toBeUndefined();
  });

  it('refusals carry a VobizWebhookError whose code and status match the body', async () => {
    const result = await receiverWith().receive({
      ...signed(),
      headers: { 'content-type': 'application/json', 'x-webhook-signature': 'f'.repeat(64) },
    });
    expect(result.status).toBe(401);
    expect(result.error).toMatchObject({ name: 'VobizWebhookError', code: 'invalid_signature', status: 401 });
    expect(parsed(result.body)).toEqual({
      ok: false,
      error: { code: 'invalid_signature', message: result.error?.message },
    });
    expect(result.event).toBeUndefined();
  });

  it('a failed handler keeps the event on the result, for logs', async () => {
    const event = createTestEvent('message.status');
    const result = await receiverWith({ on: { 'message.status': () => Promise.reject(new Error('x')) } }).receive(
      signed(event),
    );
    expect(result.status).toBe(500);
    expect(result.error?.code).toBe('handler_failed');
    expect(result.event?.event_id).toBe(event.event_id);
  });

  it('a handler failing through what it returns or throws, however hostile, answers 500 handler_failed, and its retry is handled', async () => {
    const trap = () => {
      throw new Error('trap');
    };
    // Throws on every read, `then` and the error brand included.
    const hostile = () =>
      new Proxy({}, { get: trap, has: trap, getPrototypeOf: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
    const failures: Record<string, () => unknown> = {
      'returns a value whose then getter throws': () => ({
        get then() {
          throw new Error('then getter');
        },
      }),
      'returns a value whose then getter throws a hostile value': () => ({
        get then() {
          throw hostile();
        },
      }),
      'returns a Proxy that throws on every read': () => hostile(),
      'throws a Proxy that throws on every read': () => {
        throw hostile();
      },
      'rejects with a Proxy that throws on every read': () => Promise.reject(hostile()),
    };
    const errors: unknown[][] = [];
    const logger = { warn: () => undefined, error: (...args: unknown[]) => errors.push(args) };
    for (const [name, fail] of Object.entries(failures)) {
      for (const count of [1, 2]) {
        let calls = 0;
        const handler = () => (++calls === 1 ? fail() : undefined);
        // Two: the event's own handler and the catch-all run together.
        const on = count === 1 ? { 'message.inbound': handler } : { 'message.inbound': handler, '*': () => undefined };
        const receiver = createReceiver({ secret: SECRET, logger, on });
        const delivery = signed();
        const first = await receiver.receive(delivery);
        expect({ name, count, status: first.status, code: first.error?.code }).toEqual({
          name,
          count,
          status: 500,
          code: 'handler_failed',
        });
        // The claim was released: the sender's retry runs the handler again, and succeeds.
        expect((await receiver.receive(delivery)).status).toBe(200);
        expect(calls).toBe(2);
      }
    }
    expect(errors.length).toBe(Object.keys(failures).length * 2);
  });

  it("a store whose claim answers something else than 'claimed', 'processing' or 'done' is 500 internal_error, and logged", async () => {
    for (const answer of [undefined, 'ok', true, Promise.resolve(undefined)]) {
      const errors: string[] = [];
      const store: DedupeStore = { ...memoryDedupeStore(), claim: () => answer as 'claimed' };
      let handled = 0;
      const receiver = createReceiver({
        secret: SECRET,
        dedupe: store,
        on: { '*': () => void handled++ },
        logger: { warn: () => undefined, error: (line: unknown) => errors.push(String(line)) },
      });
      const result = await receiver.receive(signed());
      expect([result.status, result.error?.code]).toEqual([500, 'internal_error']);
      expect(handled).toBe(0);
      expect(errors).toEqual([expect.stringContaining("Fix the store's claim")]);
    }
  });

  it('a store whose claim result throws on reading its then is unavailable: 503 store_unavailable', async () => {
    const store: DedupeStore = {
      ...memoryDedupeStore(),
      claim: () =>
        ({
          get then() {
            throw new Error('store bug');
          },
        }) as unknown as 'claimed',
    };
    const result = await receiverWith({ dedupe: store }).receive(signed());
    expect([result.status, result.error?.code]).toEqual([503, 'store_unavailable']);
  });

  describe('a store that gives no answer does not hold the request (storeTimeoutMs)', () => {
    const never = () => new Promise<never>(() => undefined);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const logged = () => {
      const errors: string[] = [];
      const logger = {
        warn: () => undefined,
        error: (line: unknown, cause?: unknown) => errors.push(`${String(line)} ${String(cause)}`),
      };
      return { errors, logger };
    };
    /** A receiver on `store` with a 50 ms deadline, counting the events its handler ran for. */
    const receiverOn = (store: DedupeStore, logger: InlineOptions['logger'] = false) => {
      const counted = { handled: 0 };
      const receiver = createReceiver({
        secret: SECRET,
        logger,
        dedupe: store,
        storeTimeoutMs: 50,
        on: { '*': () => void counted.handled++ },
      });
      return { receiver, counted };
    };

    it('no claim answer: 503 store_unavailable, no handler run, the wait named in the log', async () => {
      const { errors, logger } = logged();
      const { receiver, counted } = receiverOn({ ...memoryDedupeStore(), claim: never }, logger);
      const result = await receiver.receive(signed());
      expect([result.status, result.error?.code, result.headers['retry-after']]).toEqual([
        503,
        'store_unavailable',
        '5',
      ]);
      expect(counted.handled).toBe(0);
      expect(errors).toEqual([expect.stringContaining("the dedupe store's claim got no answer within 50 ms")]);
    });

    it('a claim that comes after the deadline is given back: the retry is handled, not kept waiting for its lease', async () => {
      const inner = memoryDedupeStore();
      const released: string[] = [];
      let claims = 0;
      const store: DedupeStore = {
        ...inner,
        claim: async (key, leaseMs, token) => {
          if (++claims === 1) await sleep(150);
          return inner.claim(key, leaseMs, token);
        },
        release: (key, token) => {
          released.push(token);
          inner.release(key, token);
        },
      };
      const { receiver, counted } = receiverOn(store);
      const delivery = signed();
      expect((await receiver.receive(delivery)).error?.code).toBe('store_unavailable');
      await sleep(200);
      // Given back with the late claim's own token, so nothing else's claim is touched.
      expect(released).toHaveLength(1);
      const retry = await receiver.receive(delivery);
      expect([retry.status, counted.handled]).toEqual([200, 1]);
      expect(parsed(retry.body)).toEqual({ ok: true });
    });

    it('no complete answer: still 200 (the work is done), logged', async () => {
      const { errors, logger } = logged();
      const { receiver, counted } = receiverOn({ ...memoryDedupeStore(), complete: never }, logger);
      const result = await receiver.receive(signed());
      expect([result.status, counted.handled]).toEqual([200, 1]);
      expect(errors).toEqual([expect.stringContaining("the dedupe store's complete got no answer within 50 ms")]);
    });

    /** Meta's object with `count` messages, signed under SECRET as its app secret. */
    const metaBatch = (count: number): ReceiveRequest => {
      const body = createTestEvent('message.inbound', { format: 'meta' });
      const value = body.entry[0]!.changes![0]!.value as { messages: Array<{ id: string }> };
      const first = value.messages[0]!;
      value.messages = Array.from({ length: count }, (_, i) => ({ ...first, id: `${first.id}.${i}` }));
      const { body: raw, headers } = signedRequest(body, SECRET, { format: 'meta' });
      return { method: 'POST', headers, rawBody: raw };
    };
    const metaReceiver = (options: Partial<MetaInlineOptions> | Partial<MetaQueueOptions>) =>
      createMetaReceiver({
        appSecret: SECRET,
        verifyToken: 'verify-me',
        logger: false,
        on: { '*': () => undefined },
        storeTimeoutMs: 100,
        ...options,
      } as MetaWebhookOptions);

    it('in a batch, a store that let one deadline pass is not asked again: one wait, not one per item', async () => {
      let asked = 0;
      const silent: DedupeStore = { ...memoryDedupeStore(), claim: () => (asked++, never()) };
      const startedAt = Date.now();
      const result = await metaReceiver({ dedupe: silent }).receive(metaBatch(10));
      expect([result.status, result.error?.code, asked]).toEqual([503, 'store_unavailable', 1]);
      // One deadline of 100 ms, where one per item would be 1 s.
      expect(Date.now() - startedAt).toBeLessThan(600);

      // A complete that gets no answer: the first item was handled, the rest are left to the resend.
      let handled = 0;
      const inner = memoryDedupeStore();
      const forgetful: DedupeStore = { ...inner, complete: never };
      const afterComplete = await metaReceiver({ dedupe: forgetful, on: { '*': () => void handled++ } }).receive(
        metaBatch(10),
      );
      expect([afterComplete.status, afterComplete.error?.code, handled]).toEqual([503, 'store_unavailable', 1]);
    });

    it("in a batch, a store's own timeout (an error named TimeoutError, as the Redis store's) counts as one; other failures are each item's", async () => {
      const failing = (name: string) => {
        const store = { ...memoryDedupeStore(), asked: 0 };
        store.claim = async () => {
          store.asked++;
          throw Object.assign(new Error('no reply'), { name });
        };
        return store;
      };
      const timedOut = failing('TimeoutError');
      const refused = await metaReceiver({ dedupe: timedOut }).receive(metaBatch(5));
      expect([refused.status, refused.error?.code, timedOut.asked]).toEqual([503, 'store_unavailable', 1]);
      const broken = failing('Error');
      await metaReceiver({ dedupe: broken }).receive(metaBatch(5));
      expect(broken.asked).toBe(5);
    });

    it('in a batch, a queue that let its deadline pass is not asked again, and the claims of the items left are released', async () => {
      let asked = 0;
      const queue: EventQueue = { enqueue: () => (asked++, never()) };
      const store = memoryDedupeStore();
      const receiver = metaReceiver({ on: undefined, queue, enqueueTimeoutMs: 100, dedupe: store });
      const result = await receiver.receive(metaBatch(10));
      expect([result.status, result.error?.code, asked]).toEqual([503, 'queue_unavailable', 1]);
      // Nothing holds a claim: the resend is enqueued, not answered 409.
      expect(store.size).toBe(0);
    });

    it('no release answer after a failed handler: 500 handler_failed, logged', async () => {
      const { errors, logger } = logged();
      const store: DedupeStore = { ...memoryDedupeStore(), release: never };
      const receiver = createReceiver({
        secret: SECRET,
        logger,
        dedupe: store,
        storeTimeoutMs: 50,
        on: { '*': () => Promise.reject(new Error('handler down')) },
      });
      const result = await receiver.receive(signed());
      expect([result.status, result.error?.code]).toEqual([500, 'handler_failed']);
      expect(errors).toEqual([
        expect.stringContaining('handler down'),
        expect.stringContaining("the dedupe store's release got no answer within 50 ms"),
      ]);
    });
  });

  it('accepts Web Headers, a Node-style record with mixed-case names, and bytes or a string body', async () => {
    const { body, headers } = signedRequest(createTestEvent('call.connect'), SECRET);
    const receiver = receiverWith({ dedupe: false });
    const mixedCase = {
      'Content-Type': headers['content-type'],
      'X-Webhook-Signature': headers['x-webhook-signature'],
    };
    for (const request of [
      { headers: new Headers(headers), rawBody: body },
      { headers: mixedCase, rawBody: new TextEncoder().encode(body) },
      { headers, rawBody: Buffer.from(body) },
      { headers, rawBody: async () => body },
    ] satisfies ReceiveRequest[]) {
      expect((await receiver.receive(request)).status).toBe(200);
    }
  });

  it('without `method` (the framework routed only POSTs) it skips the method check; any case of POST passes', async () => {
    const receiver = receiverWith({ dedupe: false });
    const { method: _method, ...request } = signed();
    expect((await receiver.receive(request)).status).toBe(200);
    expect((await receiver.receive({ ...request, method: 'post' })).status).toBe(200);
  });

  it('does not read the body for a refused method or content type', async () => {
    const read = jest.fn(async () => '{}');
    const receiver = receiverWith();
    expect((await receiver.receive({ method: 'GET', headers: {}, rawBody: read })).error?.code).toBe(
      'method_not_allowed',
    );
    expect(
      (await receiver.receive({ method: 'POST', headers: { 'content-type': 'text/xml' }, rawBody: read })).error?.code,
    ).toBe('unsupported_media_type');
    expect(read).not.toHaveBeenCalled();
  });

  it('refuses a declared Content-Length over the limit without reading, and passes the limit to the reader', async () => {
    const read = jest.fn(async (limit: number) => `${limit}`);
    const receiver = receiverWith({ maxBodyBytes: 1000 });
    const tooLong = await receiver.receive({ method: 'POST', headers: { 'content-length': '1001' }, rawBody: read });
    expect(tooLong.error?.code).toBe('payload_too_large');
    expect(tooLong.status).toBe(413);
    expect(read).not.toHaveBeenCalled();
    await receiver.receive({ method: 'POST', headers: { 'content-length': '1000' }, rawBody: read });
    expect(read).toHaveBeenCalledWith(1000);
  });

  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['application/vnd.vobiz+json', true],
    ['application/jsonp', false],
    ['text/json', false],
    ['multipart/form-data; boundary=x', false],
  ])('content type %s accepted: %s', async (contentType, accepted) => {
    const request = signed();
    const result = await receiverWith({ dedupe: false }).receive({
      ...request,
      headers: { ...(request.headers as object), 'content-type': contentType },
    });
    expect(result.status).toBe(accepted ? 200 : 415);
  });

  it('a reader that fails is answered 400 body_unreadable (the sender retries), never thrown to the framework', async () => {
    const result = await receiverWith().receive({
      method: 'POST',
      headers: {},
      rawBody: () => Promise.reject(new Error('socket hang up')),
    });
    expect(result.status).toBe(400);
    expect(result.error?.code).toBe('body_unreadable');
    expect(parsed(result.body).error?.message).not.toContain('socket hang up');
  });

  it('matchesPath: the path, with or without one trailing slash, and nothing else', () => {
    const receiver = receiverWith();
    expect(receiver.path).toBe('/webhooks/vobiz');
    expect(['/webhooks/vobiz', '/webhooks/vobiz/'].map((p) => receiver.matchesPath(p))).toEqual([true, true]);
    expect(
      ['/webhooks/vobiz//', '/webhooks/vobizz', '/webhooks', '/Webhooks/Vobiz', '/x/webhooks/vobiz'].some((p) =>
        receiver.matchesPath(p),
      ),
    ).toBe(false);
    const custom = receiverWith({ path: '/hooks/wa/' });
    expect(custom.path).toBe('/hooks/wa');
    expect(custom.matchesPath('/hooks/wa')).toBe(true);
    expect(custom.matchesPath('/hooks/wa/')).toBe(true);
  });

  it('completes with dedupeTtlMs (default: the whole window, 48 h + 5 min) and claims with leaseMs (default 60 s)', async () => {
    const calls: Array<[string, string, number?]> = [];
    const inner = memoryDedupeStore();
    const store: DedupeStore = {
      claim: (key, leaseMs, token) => (calls.push(['claim', key, leaseMs]), inner.claim(key, leaseMs, token)),
      complete: (key, ttlMs, token) => (calls.push(['complete', key, ttlMs]), inner.complete(key, ttlMs, token)),
      release: (key, token) => (calls.push(['release', key]), inner.release(key, token)),
    };
    const event = createTestEvent('message.inbound');
    await receiverWith({ dedupe: store }).receive(signed(event));
    expect(calls).toEqual([
      ['claim', event.event_id, 60_000],
      ['complete', event.event_id, 48 * 3_600_000 + 300_000],
    ]);
    calls.length = 0;
    const other = createTestEvent('message.inbound');
    await receiverWith({ dedupe: store, leaseMs: 5_000, maxEventAgeMs: false, dedupeTtlMs: 3_600_000 }).receive(
      signed(other),
    );
    expect(calls).toEqual([
      ['claim', other.event_id, 5_000],
      ['complete', other.event_id, 3_600_000],
    ]);
  });

  it('after a lease expires (a crashed process) the next copy is handled again', async () => {
    let release!: () => void;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const receiver = receiverWith({
      leaseMs: 20,
      on: {
        'message.inbound': async () => {
          calls++;
          if (calls === 1) await hanging;
        },
      },
    });
    const event = createTestEvent('message.inbound');
    const first = receiver.receive(signed(event));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await receiver.receive(signed(event))).status).toBe(200);
    expect(calls).toBe(2);
    release();
    expect((await first).status).toBe(200);
  });

  it('logs refusals with warn, failures with error (with the cause), and nothing when logger is false', async () => {
    const warn = jest.fn();
    const error = jest.fn();
    const boom = new Error('handler exploded');
    const receiver = receiverWith({ logger: { warn, error }, on: { 'message.inbound': () => Promise.reject(boom) } });
    await receiver.receive({ ...signed(), headers: { 'content-type': 'text/plain' } });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('415 unsupported_media_type'));
    await receiver.receive(signed());
    expect(error).toHaveBeenCalledWith(expect.stringContaining('handler for message.inbound failed'), boom);

    const spies = [jest.spyOn(console, 'warn').mockImplementation(), jest.spyOn(console, 'error').mockImplementation()];
    try {
      const quiet = receiverWith({ logger: false, on: { 'message.inbound': () => Promise.reject(boom) } });
      await quiet.receive(signed());
      await quiet.receive({ ...signed(), headers: {} });
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("a request's own logger takes its lines instead of the receiver's, with the rate limits still the receiver's", async () => {
    const receiverLines: string[] = [];
    const boom = new Error('handler exploded');
    const receiver = receiverWith({
      logger: {
        warn: (line) => void receiverLines.push(String(line)),
        error: (line) => void receiverLines.push(String(line)),
      },
      on: { 'message.inbound': () => Promise.reject(boom) },
    });
    const requestLogger = () => {
      const lines: [string, unknown][] = [];
      return {
        lines,
        logger: {
          warn: (line: unknown) => void lines.push([String(line), undefined]),
          error: (line: unknown, cause?: unknown) => void lines.push([String(line), cause]),
        },
      };
    };
    const failing = requestLogger();
    expect((await receiver.receive({ ...signed(), logger: failing.logger })).status).toBe(500);
    expect(failing.lines).toContainEqual([expect.stringContaining('handler for message.inbound failed'), boom]);
    const refused = requestLogger();
    await receiver.receive({ ...signed(), headers: { 'content-type': 'text/plain' }, logger: refused.logger });
    expect(refused.lines).toEqual([[expect.stringContaining('415 unsupported_media_type'), undefined]]);
    expect(receiverLines).toEqual([]);
    // Unauthenticated refusals: at most five lines per 10 s across requests, whichever logger each has
    // (the 415 above was the first of the five).
    const unsigned = Array.from({ length: 8 }, requestLogger);
    for (const { logger } of unsigned) await receiver.receive({ ...signed(), headers: {}, logger });
    const refusals = unsigned.flatMap(({ lines }) => lines.filter(([line]) => line.includes('401 missing_signature')));
    expect(refusals).toHaveLength(4);
    // A logger that throws loses its line, not the answer.
    const throwing = {
      warn: () => {
        throw new Error('sink down');
      },
      error: () => {
        throw new Error('sink down');
      },
    };
    expect((await receiver.receive({ ...signed(), logger: throwing })).status).toBe(500);
    // Without one, the receiver's logger.
    await receiver.receive(signed());
    expect(receiverLines).toContainEqual(expect.stringContaining('handler for message.inbound failed'));
  });

  it.each(['constructor', 'valueOf', 'toString', '__defineGetter__', 'hasOwnProperty'])(
    "an event type named like an Object.prototype member ('%s') finds no handler but '*'",
    async (eventType) => {
      const seen: string[] = [];
      const receiver = receiverWith({
        on: { 'message.inbound': () => undefined, '*': (event) => void seen.push(event.event_type) },
      });
      const result = await receiver.receive(signed(createTestEvent(eventType)));
      expect(result.status).toBe(200);
      expect(seen).toEqual([eventType]);
      const bare = receiverWith({ on: { 'message.inbound': () => undefined } });
      expect((await bare.receive(signed(createTestEvent(eventType)))).status).toBe(200);
    },
  );

  it('dedupeKey receives the verified event', async () => {
    const keys: VobizEvent[] = [];
    const event = createTestEvent('message.inbound');
    await receiverWith({ dedupeKey: (e) => (keys.push(e), `k:${e.event_id}`) }).receive(signed(event));
    expect(keys).toEqual([event]);
  });
});
