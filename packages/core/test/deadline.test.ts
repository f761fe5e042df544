import { isTimeout, MAX_TIMER_MS, withinTime } from '@vobiz-webhooks/core';

// The one bound on every store and queue answer the receiver and the worker wait for.
describe('withinTime', () => {
  const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

  it('settles as the operation does when it answers in time', async () => {
    await expect(withinTime(Promise.resolve('claimed'), 1_000, 'the claim')).resolves.toBe('claimed');
    const failure = new Error('store down');
    await expect(withinTime(Promise.reject(failure), 1_000, 'the claim')).rejects.toBe(failure);
  });

  it('rejects once the deadline passed, naming the operation, and hands a late answer to `late` only', async () => {
    const late: string[] = [];
    const startedAt = Date.now();
    await expect(withinTime(after(150, 'claimed'), 30, "the store's claim", (v) => late.push(v))).rejects.toMatchObject(
      {
        name: 'TimeoutError',
        message: "the store's claim got no answer within 30 ms",
      },
    );
    expect(Date.now() - startedAt).toBeLessThan(140);
    expect(late).toEqual([]);
    await after(200, undefined);
    expect(late).toEqual(['claimed']);
  });

  it('a late callback that throws or rejects, or a thenable whose then throws, never escapes', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      await expect(
        withinTime(after(50, 'x'), 10, 'a', () => {
          throw new Error('late throws');
        }),
      ).rejects.toThrow(/no answer/);
      await expect(
        withinTime(after(50, 'x'), 10, 'b', () => Promise.reject(new Error('late rejects'))),
      ).rejects.toThrow(/no answer/);
      const hostile = {
        get then() {
          throw new Error('then getter');
        },
      } as unknown as PromiseLike<string>;
      await expect(withinTime(hostile, 1_000, 'c')).rejects.toThrow('then getter');
      await after(100, undefined);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('isTimeout: its own deadline, and any error named TimeoutError; never throws', async () => {
    const own = await withinTime(new Promise(() => undefined), 1, 'x').catch((error: unknown) => error);
    expect(isTimeout(own)).toBe(true);
    expect(isTimeout(new DOMException('slow', 'TimeoutError'))).toBe(true);
    expect(isTimeout(Object.assign(new Error('no reply'), { name: 'TimeoutError' }))).toBe(true);
    expect([new Error('down'), 'TimeoutError', null, undefined].map(isTimeout)).toEqual([false, false, false, false]);
    const trap = () => {
      throw new Error('trap');
    };
    // Throws on reading a field, and on `instanceof` (its prototype).
    const hostile = new Proxy({}, { get: trap, getPrototypeOf: trap });
    expect(isTimeout(hostile)).toBe(false);
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(isTimeout(revocable.proxy)).toBe(false);
  });

  it('MAX_TIMER_MS is the longest delay a timer keeps', () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
  });
});
