import Redis, { type RedisOptions } from 'ioredis';
import { createClient } from 'redis';
import { REDIS_URL } from '@vobiz-webhooks/test-suites';

// What the README recommends: fail fast while disconnected instead of queueing,
// so a delivery gets 503 at once and Vobiz retries it.
export const ioredisOptions: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };

export interface TestClients {
  ioredis(url?: string, options?: RedisOptions): Promise<Redis>;
  nodeRedis(url?: string, options?: { disableOfflineQueue?: boolean }): Promise<ReturnType<typeof createClient>>;
  /** Closes every client made here. */
  closeAll(): Promise<void>;
}

export function testClients(): TestClients {
  const closers: (() => Promise<unknown>)[] = [];
  return {
    async ioredis(url = REDIS_URL, options = ioredisOptions) {
      const client = new Redis(url, { lazyConnect: true, ...options });
      closers.push(async () => (client.status === 'end' ? undefined : client.disconnect()));
      await client.connect();
      return client;
    },
    async nodeRedis(url = REDIS_URL, options = { disableOfflineQueue: true }) {
      const client = createClient({ url, ...options });
      client.on('error', () => {});
      closers.push(async () => (client.isOpen ? client.destroy() : undefined));
      await client.connect();
      return client;
    },
    async closeAll() {
      await Promise.allSettled(closers.splice(0).map(async (close) => close()));
    },
  };
}
