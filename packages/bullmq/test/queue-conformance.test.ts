import { describeQueueConformance } from '@vobiz-webhooks/test-suites';
import { makeExpressTarget } from '../../express/test/support/target';
import { makeNextTarget } from '../../next/test/support/target';
import { describeWithRedis } from '@vobiz-webhooks/test-suites';
import { harnessFor, redisBackend } from './support/harness';

// The status table and dedupe rules with `queue: bullmqQueue(...)` and a worker, through
// Express (one-line mount) and the Next.js App Router handler (`POST(new Request(...))`).
describeWithRedis('BullMQ on Redis', () => {
  describeQueueConformance('Express', makeExpressTarget, harnessFor(redisBackend));
  describeQueueConformance('Next.js App Router', makeNextTarget, harnessFor(redisBackend));
});
