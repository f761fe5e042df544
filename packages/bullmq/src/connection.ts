import type { ConnectionOptions } from 'bullmq';

/** A Redis connection for BullMQ: a URL, ioredis options (with `url` or `host`/`port`), or a client instance. */
export type RedisConnection = string | ConnectionOptions;

/** What BullMQ itself treats as a client instance rather than options. */
const isClient = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  ['connect', 'disconnect', 'duplicate'].every(
    (name) => typeof (value as Record<string, unknown>)[name] === 'function',
  );

const asOptions = (connection: RedisConnection): Record<string, unknown> =>
  typeof connection === 'string' ? { url: connection } : { ...(connection as Record<string, unknown>) };

/**
 * The web side: fail fast. With ioredis' offline queue an `add` issued while Redis is
 * down waits for the reconnect, past the moment Vobiz gave up; without it the add rejects
 * at once and the delivery is answered 503 (the receiver's `enqueueTimeoutMs` still
 * bounds an add that was sent but never answered). A client instance is used as given.
 */
export function webConnection(connection: RedisConnection): ConnectionOptions {
  if (isClient(connection)) return connection;
  return { enableOfflineQueue: false, maxRetriesPerRequest: 1, ...asOptions(connection) } as ConnectionOptions;
}

/** ioredis keeps its options on `options` (a cluster: `options.redisOptions`); node-redis clients do not have this one. */
function clientRetries(client: Record<string, unknown>): { known: boolean; value: unknown } {
  const options = client.options as Record<string, unknown> | undefined;
  const own = client.isCluster === true ? (options?.redisOptions as Record<string, unknown> | undefined) : options;
  if (own === undefined || !('maxRetriesPerRequest' in own)) return { known: false, value: undefined };
  return { known: true, value: own.maxRetriesPerRequest };
}

/**
 * The worker side: commands must wait out a Redis restart instead of failing. A command
 * that gives up after N retries (ioredis' default is 20) fails a job's completion or its
 * lock renewal, and the job is run again. Options get `maxRetriesPerRequest: null`; a
 * client configured otherwise is refused, since its settings cannot be changed here.
 */
export function workerConnection(connection: RedisConnection, warn: (line: string) => void): ConnectionOptions {
  if (isClient(connection)) {
    const retries = clientRetries(connection);
    if (retries.known && retries.value !== null) {
      throw new TypeError(
        `vobiz-webhooks: the worker's ioredis client has maxRetriesPerRequest ${String(retries.value)}; it must be null, ` +
          'or a Redis restart fails running jobs and they run again. Create it with ' +
          'new Redis(url, { maxRetriesPerRequest: null }), or pass the connection options or URL instead of a client.',
      );
    }
    return connection;
  }
  const options = asOptions(connection);
  if (options.maxRetriesPerRequest !== undefined && options.maxRetriesPerRequest !== null) {
    warn(
      `[vobiz-webhooks] the worker connection's maxRetriesPerRequest ${String(options.maxRetriesPerRequest)} is ` +
        'replaced by null: a worker must wait out a Redis restart, not fail its jobs.',
    );
  }
  return { ...options, maxRetriesPerRequest: null } as ConnectionOptions;
}
