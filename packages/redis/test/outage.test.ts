import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { redisDedupeStore, type RedisClient } from '@vobiz-webhooks/redis';
import express from 'express';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { deliver, listen, type Answer, type Listening } from './support/http';
import { startPrivateRedis, type PrivateRedis } from '@vobiz-webhooks/test-suites';
import { describeWithRedisServer } from './support/redis-server';

const SECRET = 'whsec_outage_test';
// Far longer than deliverUntilOk's deadline: a claim stuck after the outage would fail the test.
const LEASE_MS = 5 * 60_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Delivers until a 200, as Vobiz retries anything else; gives up after `deadlineMs`. */
async function deliverUntilOk(
  url: string,
  event: object,
  deadlineMs = 45_000,
): Promise<{ final: Answer; refused: Answer[] }> {
  const refused: Answer[] = [];
  const giveUpAt = Date.now() + deadlineMs;
  for (;;) {
    const answer = await deliver(url, event, SECRET);
    if (answer.status === 200 || Date.now() > giveUpAt) return { final: answer, refused };
    refused.push(answer);
    await sleep(250);
  }
}

type Flavour = [name: string, connect: (url: string) => Promise<{ client: RedisClient; close(): Promise<void> }>];

// Recommended settings fail fast while Redis is down; ioredis's defaults queue commands,
// which the store's timeoutMs turns into 503s (and undoes claims that land late).
const flavours: Flavour[] = [
  [
    'ioredis, recommended options',
    async (url) => {
      const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
      await client.connect();
      return { client, close: async () => client.disconnect() };
    },
  ],
  [
    'ioredis, default options (offline queue)',
    async (url) => {
      const client = new Redis(url, { lazyConnect: true });
      await client.connect();
      return { client, close: async () => client.disconnect() };
    },
  ],
  [
    'node-redis, disableOfflineQueue',
    async (url) => {
      // Deliberately no 'error' listener: the store's own keeps the dropped connection from crashing Jest.
      const client = createClient({ url, disableOfflineQueue: true });
      await client.connect();
      return { client, close: async () => (client.isOpen ? client.destroy() : undefined) };
    },
  ],
];

describeWithRedisServer('Redis outage', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => void process.off('unhandledRejection', onUnhandled));

  describe.each(flavours)('%s', (_name, connect) => {
    let server: PrivateRedis;
    let app: Listening;
    let close: () => Promise<void>;
    const handled: string[] = [];

    beforeAll(async () => {
      server = await startPrivateRedis();
      const connection = await connect(server.url);
      close = connection.close;
      const dedupe = redisDedupeStore({ client: connection.client, timeoutMs: 1000 });
      const slowHandler = async (event: { event_id: string }) => {
        await sleep(5);
        handled.push(event.event_id);
      };
      app = await listen(
        express().use(
          vobizWebhook({ secret: SECRET, dedupe, leaseMs: LEASE_MS, logger: false, on: { '*': slowHandler } }),
        ),
      );
    }, 30_000);
    afterAll(async () => {
      await app?.close();
      await close?.();
      await server?.kill();
    });

    test('503 store_unavailable while Redis is down, no handler runs; after a restart every retry is handled once', async () => {
      const before = Array.from({ length: 5 }, () => createTestEvent('message.inbound'));
      for (const answer of await Promise.all(before.map(async (event) => deliver(app.url, event, SECRET)))) {
        expect(answer).toEqual({ status: 200, body: { ok: true } });
      }
      expect(handled).toHaveLength(5);

      await server.kill();
      const during = Array.from({ length: 10 }, () => createTestEvent('message.status', { status: 'delivered' }));
      const refused = await Promise.all(during.map(async (event) => deliver(app.url, event, SECRET)));
      for (const answer of refused) {
        expect(answer.status).toBe(503);
        expect(answer.body.error?.code).toBe('store_unavailable');
      }
      expect(handled).toHaveLength(5);

      await server.start();
      const retried = await Promise.all(during.map(async (event) => deliverUntilOk(app.url, event)));
      for (const { final, refused: meanwhile } of retried) {
        expect(final).toEqual({ status: 200, body: { ok: true } });
        // While the client reconnects: 503, or briefly 409 when a queued claim lands just before
        // the store undoes it. Without that undo the 409s would last the whole 5 min lease.
        for (const answer of meanwhile) expect(['store_unavailable', 'in_progress']).toContain(answer.body.error?.code);
      }
      expect(handled.slice(5).sort()).toEqual(during.map((event) => event.event_id).sort());

      // The restarted Redis recorded them: copies are duplicates now.
      for (const event of during) {
        expect(await deliver(app.url, event, SECRET)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
      }
      expect(handled).toHaveLength(15);
      expect(unhandled).toEqual([]);
    }, 120_000);

    test('Redis killed in the middle of a stream of deliveries: every event is acknowledged and handled exactly once', async () => {
      const start = handled.length;
      const events = Array.from({ length: 60 }, () => createTestEvent('message.inbound'));
      const refusals: string[] = [];
      let acked = 0;
      let phase: 'up' | 'killing' | 'down' | 'restarting' | 'back' = 'up';
      let outage = Promise.resolve();

      // Kill after 10 acknowledgements, restart after 5 refusals: driven by what the sender sees, not by time.
      const onAnswer = (answer: Answer) => {
        if (answer.status === 200) acked++;
        else refusals.push(answer.body.error?.code ?? String(answer.status));
        if (phase === 'up' && acked >= 10) {
          phase = 'killing';
          outage = server.kill().then(() => void (phase = 'down'));
        } else if (phase === 'down' && refusals.length >= 5) {
          phase = 'restarting';
          outage = server.start().then(() => void (phase = 'back'));
        }
      };
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < events.length) {
            const event = events[next++] as object;
            for (let attempt = 1; ; attempt++) {
              const answer = await deliver(app.url, event, SECRET);
              onAnswer(answer);
              if (answer.status === 200) break;
              if (attempt > 400) throw new Error(`still refused after ${attempt} attempts: ${answer.body.error?.code}`);
              await sleep(50);
            }
          }
        }),
      );
      await outage;

      expect(phase).toBe('back');
      expect(refusals.length).toBeGreaterThanOrEqual(5);
      expect(refusals.filter((code) => code !== 'store_unavailable' && code !== 'in_progress')).toEqual([]);
      expect(refusals).toContain('store_unavailable');
      // An event whose handlers ran just before the kill is acknowledged (its `done` could not be
      // written): the sender never resends it, so nothing runs twice.
      expect(handled.slice(start).sort()).toEqual(events.map((event) => event.event_id).sort());
      expect(unhandled).toEqual([]);
    }, 180_000);
  });
});
