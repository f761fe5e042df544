import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createReceiver, type DedupeStore, type Receiver } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { redisDedupeStore, type RedisClient } from '@vobiz-webhooks/redis';
import Redis from 'ioredis';
import { testClients } from './support/clients';
import { deleteKeys, describeWithRedis, uniquePrefix } from './support/redis';

const MINUTE = 60_000;
const SECRET = 'whsec_redis_store_test';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const deliver = (receiver: Receiver, event: object) => {
  const { body, headers } = signedRequest(event, SECRET);
  return receiver.receive({ method: 'POST', headers, rawBody: body });
};

describe('redisDedupeStore options', () => {
  test('rejects a missing or unknown client with a message naming both supported clients', () => {
    expect(() => redisDedupeStore({} as never)).toThrow(/`client` is required/);
    expect(() => redisDedupeStore({ client: { get: () => {} } as unknown as RedisClient })).toThrow(/ioredis client .* node-redis client/);
  });

  test('rejects a node-redis cluster, whose sendCommand takes a different argument list', () => {
    const cluster = { sendCommand: async () => 'OK', isOpen: true, masters: [] };
    expect(() => redisDedupeStore({ client: cluster as unknown as RedisClient })).toThrow(/cluster clients are not supported/);
  });

  test('rejects a timeout that is not a positive number or false', () => {
    const client = { call: async () => 'OK', status: 'ready' } as unknown as RedisClient;
    expect(() => redisDedupeStore({ client, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => redisDedupeStore({ client, timeoutMs: false })).not.toThrow();
  });
});

describeWithRedis('redisDedupeStore on a real Redis', () => {
  const clients = testClients();
  const prefix = uniquePrefix('store');
  let admin: Redis;
  beforeAll(async () => {
    admin = await clients.ioredis();
  });
  afterAll(async () => {
    await clients.closeAll();
    await deleteKeys(prefix);
  });

  const flavours: [string, () => Promise<RedisClient>][] = [
    ['ioredis', async () => clients.ioredis()],
    ['node-redis', async () => clients.nodeRedis()],
  ];

  describe.each(flavours)('with %s', (flavour, makeClient) => {
    const keyPrefix = `${prefix}${flavour}:`;
    let key: string;
    let n = 0;
    beforeEach(() => {
      key = `event-${++n}`;
    });

    test('key layout: processing:<token> with the lease as PX, then done with the TTL', async () => {
      const store = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      expect(await store.claim(key, MINUTE)).toBe('claimed');
      expect(await admin.get(keyPrefix + key)).toMatch(/^processing:[0-9a-f-]{36}$/);
      const leaseLeft = await admin.pttl(keyPrefix + key);
      expect(leaseLeft).toBeGreaterThan(0);
      expect(leaseLeft).toBeLessThanOrEqual(MINUTE);

      await store.complete(key, 10 * MINUTE);
      expect(await admin.get(keyPrefix + key)).toBe('done');
      expect(await admin.pttl(keyPrefix + key)).toBeGreaterThan(MINUTE);
    });

    test('each claim writes its own token, so two instances never share one', async () => {
      const a = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      const b = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      expect(await a.claim(key, 50)).toBe('claimed');
      const first = await admin.get(keyPrefix + key);
      await sleep(400);
      expect(await b.claim(key, MINUTE)).toBe('claimed');
      expect(await admin.get(keyPrefix + key)).not.toBe(first);
    });

    test("release by another instance leaves a live claim alone", async () => {
      const a = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      const b = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      expect(await a.claim(key, MINUTE)).toBe('claimed');
      await b.release(key);
      expect(await b.claim(key, MINUTE)).toBe('processing');
    });

    test("a slow instance's release after its lease expired never drops the new owner's claim", async () => {
      const slow = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      const other = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      expect(await slow.claim(key, 50)).toBe('claimed');
      await sleep(400);
      expect(await other.claim(key, MINUTE)).toBe('claimed');
      await slow.release(key); // its handler failed, long after the lease
      expect(await slow.claim(key, MINUTE)).toBe('processing');
      await other.complete(key, MINUTE);
      await slow.release(key);
      expect(await slow.claim(key, MINUTE)).toBe('done');
    });

    test('the token map only holds open claims: complete and release empty it', async () => {
      const store = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      const keys = Array.from({ length: 10 }, (_, i) => `${key}-${i}`);
      await Promise.all(keys.map(async (k) => store.claim(k, MINUTE)));
      await store.claim(keys[0] as string, MINUTE); // 'processing' takes no token
      expect(store.heldClaims).toBe(10);
      await Promise.all(keys.slice(0, 5).map(async (k) => store.complete(k, MINUTE)));
      await Promise.all(keys.slice(5).map(async (k) => store.release(k)));
      expect(store.heldClaims).toBe(0);
    });

    test('a closed client makes every operation reject, naming the operation', async () => {
      const client = await makeClient();
      const store = redisDedupeStore({ client, prefix: keyPrefix });
      expect(await store.claim(key, MINUTE)).toBe('claimed');
      if (client instanceof Redis) client.disconnect();
      else await (client as unknown as { close(): Promise<void> }).close();
      await expect(store.claim(`${key}-other`, MINUTE)).rejects.toThrow(/^@vobiz-webhooks\/redis: claim failed: /);
      await expect(store.complete(`${key}-other`, MINUTE)).rejects.toThrow(/^@vobiz-webhooks\/redis: complete failed: /);
      await expect(store.release(key)).rejects.toThrow(/^@vobiz-webhooks\/redis: release failed: /);
    });

    test('the receiver answers 503 store_unavailable when Redis is unreachable, and runs no handler', async () => {
      const client = await makeClient();
      const handled: string[] = [];
      const receiver = createReceiver({
        secret: SECRET,
        dedupe: redisDedupeStore({ client, prefix: keyPrefix }),
        on: { 'message.inbound': (event) => void handled.push(event.event_id) },
        logger: false,
      });
      if (client instanceof Redis) client.disconnect();
      else await (client as unknown as { close(): Promise<void> }).close();
      const result = await deliver(receiver, createTestEvent('message.inbound'));
      expect(result.status).toBe(503);
      expect(result.error?.code).toBe('store_unavailable');
      expect(JSON.parse(result.body)).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
      expect(handled).toEqual([]);
    });

    test('two receivers sharing the store: one handles, a copy to the other is a duplicate 200', async () => {
      const handled: string[] = [];
      const receiverOn = async (store: DedupeStore) =>
        createReceiver({ secret: SECRET, dedupe: store, on: { '*': (event) => void handled.push(event.event_id) }, logger: false });
      const a = await receiverOn(redisDedupeStore({ client: await makeClient(), prefix: keyPrefix }));
      const b = await receiverOn(redisDedupeStore({ client: await makeClient(), prefix: keyPrefix }));
      const event = createTestEvent('message.status', { status: 'read' });
      const first = await deliver(a, event);
      const copy = await deliver(b, event);
      expect(first.status).toBe(200);
      expect(copy.status).toBe(200);
      expect(JSON.parse(copy.body)).toEqual({ ok: true, duplicate: true });
      expect(handled).toHaveLength(1);
    });
  });

  describe('timeoutMs', () => {
    // A server that accepts connections and never answers: a hung Redis, or a dead network path.
    let blackhole: Server;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      blackhole = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      blackhole.listen(0, '127.0.0.1');
      await once(blackhole, 'listening');
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      blackhole.close();
      await once(blackhole, 'close');
    });

    test('a command with no reply rejects after timeoutMs instead of hanging the delivery', async () => {
      const { port } = blackhole.address() as { port: number };
      // ioredis defaults: the offline queue holds commands until a ready check that never passes.
      const client = new Redis(port, '127.0.0.1', { connectTimeout: 60_000 });
      client.on('error', () => {});
      try {
        const store = redisDedupeStore({ client, prefix, timeoutMs: 300 });
        await expect(store.claim('never-answered', MINUTE)).rejects.toThrow('@vobiz-webhooks/redis: claim got no reply from Redis within 300 ms.');
        const receiver = createReceiver({ secret: SECRET, dedupe: store, on: { '*': () => {} }, logger: false });
        const result = await deliver(receiver, createTestEvent('call.connect'));
        expect(result.status).toBe(503);
        expect(result.error?.code).toBe('store_unavailable');
      } finally {
        client.disconnect();
      }
    });
  });
});
