import { MAX_TIMER_MS, type ClaimResult, type DedupeStore } from '@vobiz-webhooks/core';
import { commandSender, guardErrorEvents, type RedisClient } from './client';
import { CLAIM_SCRIPT, claimValue, COMPLETE_SCRIPT, RELEASE_SCRIPT } from './scripts';

export interface RedisDedupeStoreOptions {
  /** An ioredis client, or a node-redis client you have `connect()`ed. The store never closes it. */
  client: RedisClient;
  /** Prepended to every key. Default `'vobiz-webhooks:'`. */
  prefix?: string;
  /**
   * Longest wait for one Redis reply before the operation rejects (and the delivery
   * gets 503, so Vobiz retries). Clients queue commands while disconnected, and Vobiz
   * gives up on a delivery after a few seconds. Default 2000 ms; `false` waits forever.
   */
  timeoutMs?: number | false;
}

/** The store keeps nothing per claim: each claim's token lives in Redis, as the key's value. */
export type RedisDedupeStore = DedupeStore;

const CLAIM_RESULTS: ReadonlySet<string> = new Set<ClaimResult>(['claimed', 'processing', 'done']);
const noop = (): void => {};
const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

// Checked before anything is sent: Redis answers `PX 1.5` or `PX 1e+21` with an error reply,
// which a receiver reports as an outage (503) when it is a caller's bug, and an empty key
// would be the bare prefix, one key for every caller that made that mistake.
function checkString(operation: string, name: 'key' | 'token', value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    const problem = `${name} must be a non-empty string, got ${shown(value)}.`;
    throw new TypeError(`@vobiz-webhooks/redis: ${operation}: ${problem}`);
  }
}

function milliseconds(operation: string, name: string, value: unknown): string {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    const problem = `${name} must be a positive safe integer of ms, got ${shown(value)}.`;
    throw new TypeError(`@vobiz-webhooks/redis: ${operation}: ${problem}`);
  }
  return String(value);
}

/**
 * A `DedupeStore` in Redis, shared by every instance of the app: each key is
 * `processing:<token>` while a claim's lease runs, then `done` for the TTL.
 * Every operation is one round trip, a Lua script: SET NX PX, compare-and-set,
 * compare-and-delete.
 */
export function redisDedupeStore(options: RedisDedupeStoreOptions): RedisDedupeStore {
  const { client, prefix = 'vobiz-webhooks:', timeoutMs = 2000 } = options ?? ({} as Partial<RedisDedupeStoreOptions>);
  if (client === undefined || client === null) {
    throw new TypeError('redisDedupeStore: `client` is required: an ioredis client or a connected node-redis client.');
  }
  if (typeof prefix !== 'string') throw new TypeError('redisDedupeStore: `prefix` must be a string.');
  // Past MAX_TIMER_MS a timer fires at once: every operation would time out.
  // Durations are safe integers: `true` or '300' would otherwise pass the comparisons below.
  if (timeoutMs !== false && !(Number.isSafeInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS)) {
    throw new TypeError(
      `redisDedupeStore: \`timeoutMs\` must be a positive whole number of ms (at most ${MAX_TIMER_MS}) or false, got ` +
        `${typeof timeoutMs === 'string' ? JSON.stringify(timeoutMs) : String(timeoutMs)}.`,
    );
  }
  const send = commandSender(client);
  guardErrorEvents(client);

  /** Sends a command; rejects with a message naming the operation, and never hangs past `timeoutMs`. */
  function run(operation: string, args: string[], onLateReply?: (reply: unknown) => void): Promise<unknown> {
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(send(args));
    } catch (cause) {
      pending = Promise.reject(cause);
    }
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const timer =
        timeoutMs === false
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              const silent = new Error(
                `@vobiz-webhooks/redis: ${operation} got no reply from Redis within ${timeoutMs} ms.`,
              );
              // The name timeouts go by: the receiver then asks no more in this delivery (core's isTimeout).
              silent.name = 'TimeoutError';
              reject(silent);
            }, timeoutMs);
      timer?.unref?.();
      pending.then(
        (reply) => {
          clearTimeout(timer);
          if (timedOut) onLateReply?.(reply);
          else resolve(reply);
        },
        (cause: unknown) => {
          clearTimeout(timer);
          const message = cause instanceof Error ? cause.message : String(cause);
          reject(new Error(`@vobiz-webhooks/redis: ${operation} failed: ${message}`, { cause }));
        },
      );
    });
  }

  return {
    async claim(key, leaseMs, token) {
      checkString('claim', 'key', key);
      const lease = milliseconds('claim', 'leaseMs', leaseMs);
      checkString('claim', 'token', token);
      const [redisKey, value] = [prefix + key, claimValue(token)];
      const reply = await run('claim', ['EVAL', CLAIM_SCRIPT, '1', redisKey, value, lease], (late) => {
        // The delivery already got 503, but the queued claim landed when Redis came back:
        // drop it, or every retry would get 409 until the lease ran out.
        if (String(late) === 'claimed') run('release', ['EVAL', RELEASE_SCRIPT, '1', redisKey, value]).catch(noop);
      });
      const result = String(reply);
      if (!CLAIM_RESULTS.has(result))
        throw new Error(`@vobiz-webhooks/redis: claim got an unexpected reply from Redis: ${result.slice(0, 100)}`);
      return result as ClaimResult;
    },

    async complete(key, ttlMs, token) {
      checkString('complete', 'key', key);
      const ttl = milliseconds('complete', 'ttlMs', ttlMs);
      checkString('complete', 'token', token);
      await run('complete', ['EVAL', COMPLETE_SCRIPT, '1', prefix + key, claimValue(token), ttl]);
    },

    async release(key, token) {
      checkString('release', 'key', key);
      checkString('release', 'token', token);
      await run('release', ['EVAL', RELEASE_SCRIPT, '1', prefix + key, claimValue(token)]);
    },
  };
}
