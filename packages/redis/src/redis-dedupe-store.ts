import { randomUUID } from 'node:crypto';
import type { ClaimResult, DedupeStore } from '@vobiz-webhooks/core';
import { commandSender, guardErrorEvents, type RedisClient } from './client';
import { CLAIM_SCRIPT, RELEASE_SCRIPT } from './scripts';

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

export interface RedisDedupeStore extends DedupeStore {
  /** Claims this instance took and has not yet completed or released. */
  readonly heldClaims: number;
}

const CLAIM_RESULTS: ReadonlySet<string> = new Set<ClaimResult>(['claimed', 'processing', 'done']);
/**
 * Tokens are forgotten on complete and release, which the receiver always calls; the cap
 * only guards against a caller that never does. A forgotten claim is not lost: its lease expires.
 */
const MAX_HELD_CLAIMS = 100_000;
const noop = (): void => {};

/**
 * A `DedupeStore` in Redis, shared by every instance of the app: each key is
 * `processing:<token>` while a claim's lease runs, then `done` for the TTL.
 * Every operation is one round trip (SET NX PX inside a Lua script, SET PX,
 * a compare-and-delete script).
 */
export function redisDedupeStore(options: RedisDedupeStoreOptions): RedisDedupeStore {
  const { client, prefix = 'vobiz-webhooks:', timeoutMs = 2000 } = options ?? ({} as Partial<RedisDedupeStoreOptions>);
  if (client === undefined || client === null) {
    throw new TypeError('redisDedupeStore: `client` is required: an ioredis client or a connected node-redis client.');
  }
  if (typeof prefix !== 'string') throw new TypeError('redisDedupeStore: `prefix` must be a string.');
  if (timeoutMs !== false && !(timeoutMs > 0)) {
    throw new TypeError(`redisDedupeStore: \`timeoutMs\` must be a positive number of ms or false, got ${String(timeoutMs)}.`);
  }
  const send = commandSender(client);
  guardErrorEvents(client);

  // Which token this instance wrote for each key it holds, so `release(key)` deletes only
  // its own claim: after a lease expiry the key may belong to another instance.
  const tokens = new Map<string, string>();

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
              reject(new Error(`@vobiz-webhooks/redis: ${operation} got no reply from Redis within ${timeoutMs} ms.`));
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

  const milliseconds = (value: number): string => String(Math.max(1, Math.ceil(value)));

  return {
    async claim(key, leaseMs) {
      const redisKey = prefix + key;
      const token = `processing:${randomUUID()}`;
      const reply = await run('claim', ['EVAL', CLAIM_SCRIPT, '1', redisKey, token, milliseconds(leaseMs)], (late) => {
        // The delivery already got 503, but the queued claim landed when Redis came back:
        // drop it, or every retry would get 409 until the lease ran out.
        if (String(late) === 'claimed') run('release', ['EVAL', RELEASE_SCRIPT, '1', redisKey, token]).catch(noop);
      });
      const result = String(reply);
      if (!CLAIM_RESULTS.has(result)) throw new Error(`@vobiz-webhooks/redis: claim got an unexpected reply from Redis: ${result.slice(0, 100)}`);
      if (result === 'claimed') {
        tokens.delete(key);
        tokens.set(key, token);
        if (tokens.size > MAX_HELD_CLAIMS) tokens.delete(tokens.keys().next().value as string);
      }
      return result as ClaimResult;
    },

    async complete(key, ttlMs) {
      tokens.delete(key);
      await run('complete', ['SET', prefix + key, 'done', 'PX', milliseconds(ttlMs)]);
    },

    async release(key) {
      const token = tokens.get(key);
      // Not claimed here (or already settled): there is no claim of ours to drop.
      if (token === undefined) return;
      tokens.delete(key);
      await run('release', ['EVAL', RELEASE_SCRIPT, '1', prefix + key, token]);
    },

    get heldClaims() {
      return tokens.size;
    },
  };
}
