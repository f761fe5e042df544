import { type RedisClient } from '@vobiz-webhooks/redis';
import Redis from 'ioredis';
import { createClient } from 'redis';

export interface ConnectedRedis {
  client: RedisClient;
  close(): Promise<void>;
}

/**
 * A Redis client set up for webhooks: while Redis is unreachable, commands fail at once
 * (the delivery gets 503 and Vobiz retries it) instead of queueing until Vobiz's own
 * timeout. Both clients reconnect by themselves; nothing needs restarting.
 */
export async function connectRedis(
  url: string,
  library: 'ioredis' | 'node-redis' = 'ioredis',
): Promise<ConnectedRedis> {
  if (library === 'node-redis') {
    const client = createClient({ url, disableOfflineQueue: true });
    // Without an 'error' listener node-redis throws on a dropped connection and kills the process.
    client.on('error', (error: Error) => console.warn(`redis: ${error.message}`));
    await client.connect();
    return { client, close: async () => void (await client.close()) };
  }
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on('error', (error: Error) => console.warn(`redis: ${error.message}`));
  await client.connect();
  return { client, close: async () => void (await client.quit()) };
}
