import { describeWithRedis } from '@vobiz-webhooks/test-suites';
import { redisBackend } from './support/harness';
import { describeWorkerBehaviour } from './support/worker-behaviour';

describeWithRedis('BullMQ on Redis', () => {
  describeWorkerBehaviour('Redis', redisBackend);
});
