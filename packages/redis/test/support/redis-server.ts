import { describeIf, redisServerInstalled } from '@vobiz-webhooks/test-suites';

/** Tests that start and kill their own redis-server (`startPrivateRedis` from test-suites). */
export const describeWithRedisServer = describeIf(
  redisServerInstalled(),
  'redis-server',
  'no redis-server binary on PATH',
  'Install it (apt-get install redis-server, brew install redis) and run jest again.',
);
