/** What `withinTime` rejects with when the deadline passed first. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

/**
 * `pending`, or a rejection (`DeadlineError`) once `ms` passed without it settling: a store
 * or a queue that never answers must not hold a request open. `late` gets the value if it
 * still comes after the deadline (a claim then taken is given back); whatever it does or
 * throws is ignored. The timer is cleared as soon as `pending` settles.
 */
export function withinTime<T>(
  pending: PromiseLike<T>,
  ms: number,
  what: string,
  late?: (value: T) => unknown,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new DeadlineError(`${what} got no answer within ${ms} ms`));
    }, ms);
    // Also a thenable whose `then` throws: that is a rejection here, never a synchronous throw.
    Promise.resolve(pending).then(
      (value) => {
        clearTimeout(timer);
        if (!expired) resolve(value);
        else if (late !== undefined)
          Promise.resolve(value)
            .then(late)
            .then(undefined, () => undefined);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
