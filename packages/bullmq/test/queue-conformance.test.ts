import { describeQueueConformance, describeWithRedis } from '@vobiz-webhooks/test-suites';
import { makeExpressTarget } from '../../express/test/support/target';
import { fastifyTarget, plain } from '../../fastify/test/support/target';
import { makeNodeServerTarget } from '../../hono/test/support/target';
import { makeNextTarget } from '../../next/test/support/target';
import { makeWebTarget } from '../../web/test/support/target';
import { harnessFor, redisBackend } from './support/harness';

// The status table and dedupe rules with `queue: bullmqQueue(...)` and a worker, through every
// adapter as its own tests mount it: Express (one-line mount), the Next.js App Router handler
// (`POST(new Request(...))`), Fastify (`app.register(vobizWebhook, options)`, through inject),
// Hono on @hono/node-server (`app.all(path, vobizWebhook(options))`) and the bare Fetch handler
// of @vobiz-webhooks/web.
describeWithRedis('BullMQ on Redis', () => {
  const harness = harnessFor(redisBackend);
  describeQueueConformance('Express', makeExpressTarget, harness);
  describeQueueConformance('Next.js App Router', makeNextTarget, harness);
  describeQueueConformance('Fastify', fastifyTarget(plain), harness);
  describeQueueConformance('Hono on @hono/node-server', makeNodeServerTarget('handler'), harness);
  describeQueueConformance('@vobiz-webhooks/web fetch handler', makeWebTarget, harness);
});
