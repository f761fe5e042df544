import { redisDedupeStore } from '@vobiz-webhooks/redis';
import { describeDedupeStoreContract } from '@vobiz-webhooks/test-suites';
import { testClients } from './support/clients';
import { deleteKeys, describeWithRedis, uniquePrefix } from '@vobiz-webhooks/test-suites';

describeWithRedis('redisDedupeStore', () => {
  const clients = testClients();
  const prefix = uniquePrefix('contract');
  afterAll(async () => {
    await clients.closeAll();
    await deleteKeys(prefix);
  });

  describeDedupeStoreContract('redisDedupeStore with ioredis', async () =>
    redisDedupeStore({ client: await clients.ioredis(), prefix: `${prefix}ioredis:` }),
  );
  describeDedupeStoreContract('redisDedupeStore with node-redis', async () =>
    redisDedupeStore({ client: await clients.nodeRedis(), prefix: `${prefix}node-redis:` }),
  );
});
