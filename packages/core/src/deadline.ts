/** The longest delay JavaScript timers keep: past it, `setTimeout` fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** What `withinTime` rejects with when the deadline passed first. */
export class DeadlineError extends Error {
  // The name timeouts go by (`AbortSignal.timeout`, the Redis store's own deadline): see `isTimeout`.
  override readonly name = 'TimeoutError';
}

/**
 * Whether a failure is a deadline that passed: `withinTime`'s own, or a store's or
 * queue's that names its error `TimeoutError`, as the Redis store and `AbortSignal.timeout`
 * do. Never throws, whatever was thrown.
 */
export function isTimeout(error: unknown): boolean {
  try {
    // `instanceof` too reads the value (a Proxy's prototype trap): inside the guard.
    if (error instanceof DeadlineError) return true;
    return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
  } catch {
    return false;
  }
}

/** Gives `late` a value that came after its deadline; a throw or a rejection of it is ignored. */
function handLate<T>(value: T, late: (value: T) => unknown): void {
  Promise.resolve(value)
    .then(late)
    .then(undefined, () => undefined);
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
        else if (late !== undefined) handLate(value, late);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
