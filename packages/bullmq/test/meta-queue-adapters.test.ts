import type { MetaQueueOptions, VobizEvent } from '@vobiz-webhooks/core';
import {
  batchedMetaBody,
  describeWithRedis,
  expectBatchItem,
  expectChallenge,
  expectOk,
  handshake,
  metaDelivery,
  META_APP_SECRET,
  META_VERIFY_TOKEN,
  subscribe,
  type MakeMetaTarget,
  type QueueUnderTest,
  type Target,
} from '@vobiz-webhooks/test-suites';
import { makeExpressMetaTarget } from '../../express/test/support/target';
import { fastifyTarget, META_PATH, plainMeta } from '../../fastify/test/support/target';
import { makeMetaNodeServerTarget } from '../../hono/test/support/target';
import { makeNextMetaTarget } from '../../next/test/support/target';
import { makeWebMetaTarget } from '../../web/test/support/target';
import { openQueue, redisBackend } from './support/harness';

// `metaWebhook({ appSecret, verifyToken, queue: bullmqQueue(...) })` through the adapters, not only
// the core receiver (./sources.test.ts): a batched Meta body is answered 200 once every item is a job
// of its own, a worker (`createWorker`) handles each item once, and Meta's resend queues nothing.
describeWithRedis("Meta's Cloud API in queue mode (BullMQ on Redis), through the adapters", () => {
  describe.each<[string, MakeMetaTarget]>([
    ['Express', makeExpressMetaTarget],
    ['Fastify', fastifyTarget(plainMeta, { path: META_PATH })],
    ['Next.js App Router', makeNextMetaTarget],
    ['Hono on @hono/node-server', makeMetaNodeServerTarget('handler')],
    ['@vobiz-webhooks/web fetch handler', makeWebMetaTarget],
  ])('%s', (_name, makeTarget) => {
    jest.setTimeout(30_000);
    let harness: QueueUnderTest;
    let target: Target;

    beforeEach(async () => {
      harness = await openQueue(redisBackend, 'meta-adapter');
      const options: MetaQueueOptions = {
        appSecret: META_APP_SECRET,
        verifyToken: META_VERIFY_TOKEN,
        queue: harness.queue,
        logger: false,
      };
      target = await makeTarget(options);
    });

    afterEach(async () => {
      await target.close?.();
      await harness.close();
    });

    it('answers 200 once every item of a batched body is queued, one job each; the worker handles each once', async () => {
      const { body, items } = batchedMetaBody();
      expectOk(await target.send(metaDelivery(body)));
      expect(await harness.jobCount()).toBe(items.length);

      const seen: VobizEvent[] = [];
      await harness.startWorker({
        'message.inbound': (event) => void seen.push(event),
        'message.status': (event) => void seen.push(event),
      });
      await harness.idle();
      const byId = (a: { event_id: string }, b: { event_id: string }) => a.event_id.localeCompare(b.event_id);
      const handled = [...seen].sort(byId);
      const expected = [...items].sort(byId);
      expect(handled.map((event) => event.event_id)).toEqual(expected.map((item) => item.event_id));
      handled.forEach((event, i) => expectBatchItem(event, expected[i]!));
    });

    it("answers Meta's resend of the same body as a duplicate and queues nothing new", async () => {
      const { body, items } = batchedMetaBody();
      expectOk(await target.send(metaDelivery(body)));
      expectOk(await target.send(metaDelivery(body)), true);
      expect(await harness.jobCount()).toBe(items.length);
    });

    it('answers the subscription handshake in queue mode too, and queues nothing for it', async () => {
      expectChallenge(await target.send(handshake(subscribe('8713592046'))), '8713592046');
      expect(await harness.jobCount()).toBe(0);
    });
  });
});
