/**
 * The part of an ioredis 5 client (`new Redis()` or `new Cluster()`) the store uses.
 * Only the shape is named here: the store never imports ioredis.
 */
export interface IoRedisClient {
  call(command: string, ...args: string[]): Promise<unknown>;
  readonly status: string;
}

/** The part of a node-redis 4/5 client (`createClient()`) the store uses. Connect it before use. */
export interface NodeRedisClient {
  sendCommand(args: string[]): Promise<unknown>;
  readonly isOpen: boolean;
}

export type RedisClient = IoRedisClient | NodeRedisClient;

/** Sends one raw command and resolves with Redis's reply. */
export type SendCommand = (args: string[]) => Promise<unknown>;

interface ErrorEmitter {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  listenerCount(event: 'error'): number;
}

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

/**
 * Picks the raw-command call of the client by its shape: node-redis has
 * `sendCommand(args[])` and `isOpen`, ioredis has `call(command, ...args)` and `status`.
 * Raw commands keep the store free of either library at runtime and identical on both.
 */
export function commandSender(client: RedisClient): SendCommand {
  const candidate = client as unknown as Record<string, unknown>;
  if ('masters' in candidate && isFunction(candidate.sendCommand)) {
    // node-redis clusters take (firstKey, isReadonly, args): a different call, not supported yet.
    throw new TypeError(
      'redisDedupeStore: node-redis cluster clients are not supported; use an ioredis Cluster or a single node-redis client.',
    );
  }
  if (isFunction(candidate.sendCommand) && 'isOpen' in candidate) {
    const nodeRedis = client as NodeRedisClient;
    return (args) => nodeRedis.sendCommand(args);
  }
  if (isFunction(candidate.call) && 'status' in candidate) {
    const ioredis = client as IoRedisClient;
    return ([command, ...args]) => ioredis.call(command as string, ...args);
  }
  throw new TypeError(
    'redisDedupeStore: `client` must be an ioredis client (new Redis(url)) or a connected node-redis client (createClient({ url })).',
  );
}

/**
 * node-redis emits 'error' on every failed reconnect, and an EventEmitter with no
 * 'error' listener throws: the whole process would die when Redis drops. The failures
 * still surface, as rejected store operations that the receiver logs and answers 503.
 */
export function guardErrorEvents(client: RedisClient): void {
  const emitter = client as unknown as Partial<ErrorEmitter>;
  if (isFunction(emitter.on) && isFunction(emitter.listenerCount) && emitter.listenerCount('error') === 0) {
    emitter.on('error', () => {});
  }
}
