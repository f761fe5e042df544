import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createReceiver, type DedupeStore, type Receiver } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { redisDedupeStore, type RedisClient } from '@vobiz-webhooks/redis';
import Redis from 'ioredis';
import { testClients } from './support/clients';
import { deleteKeys, describeWithRedis, uniquePrefix } from '@vobiz-webhooks/test-suites';

const MINUTE = 60_000;
const SECRET = 'whsec_redis_store_test';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// One per claim, as the receiver makes them.
const token = () => randomUUID();

const deliver = (receiver: Receiver, event: object) => {
  const { body, headers } = signedRequest(event, SECRET);
  return receiver.receive({ method: 'POST', headers, rawBody: body });
};

describe('redisDedupeStore options', () => {
  test('rejects a missing or unknown client with a message naming both supported clients', () => {
    expect(() => redisDedupeStore({} as never)).toThrow(/`client` is required/);
    expect(() => redisDedupeStore({ client: { get: () => {} } as unknown as RedisClient })).toThrow(
      /ioredis client .* node-redis client/,
    );
  });

  test('rejects a node-redis cluster, whose sendCommand takes a different argument list', () => {
    const cluster = { sendCommand: async () => 'OK', isOpen: true, masters: [] };
    expect(() => redisDedupeStore({ client: cluster as unknown as RedisClient })).toThrow(
      /cluster clients are not supported/,
    );
  });

  test('rejects a timeout that is not a positive number or false', () => {
    const client = { call: async () => 'OK', status: 'ready' } as unknown as RedisClient;
    expect(() => redisDedupeStore({ client, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => redisDedupeStore({ client, timeoutMs: 2 ** 31 })).toThrow(/at most 2147483647/);
    expect(() => redisDedupeStore({ client, timeoutMs: false })).not.toThrow();
    // Not numbers of ms, though the comparisons alone would take them (`true` timed out every claim at once).
    for (const timeoutMs of [true, '300', 1.5, 1e-9, Number.NaN]) {
      expect(() => redisDedupeStore({ client, timeoutMs: timeoutMs as number })).toThrow(/positive whole number of ms/);
    }
  });
});

describe('redisDedupeStore commands', () => {
  /** An ioredis-shaped client that records each command and answers `reply`. */
  const recording = (reply: unknown) => {
    const sent: string[][] = [];
    const call = async (...args: string[]) => (sent.push(args), reply);
    const client = { call, status: 'ready' } as unknown as RedisClient;
    return { sent, store: redisDedupeStore({ client, prefix: 'p:' }) };
  };

  test("every operation is one EVAL carrying the claim's token, on the prefixed key", async () => {
    const { sent, store } = recording('claimed');
    expect(await store.claim('e1', MINUTE, 'tok-1')).toBe('claimed');
    await store.complete('e1', 10 * MINUTE, 'tok-1');
    await store.release('e1', 'tok-1');
    expect(sent.map(([command, , keys, key, value, ms]) => [command, keys, key, value, ms])).toEqual([
      ['EVAL', '1', 'p:e1', 'processing:tok-1', String(MINUTE)],
      ['EVAL', '1', 'p:e1', 'processing:tok-1', String(10 * MINUTE)],
      ['EVAL', '1', 'p:e1', 'processing:tok-1', undefined],
    ]);
  });

  test('refuses a bad key, duration or token before sending anything', async () => {
    const { sent, store } = recording('claimed');
    const emptyKey = new TypeError('@vobiz-webhooks/redis: claim: key must be a non-empty string, got "".');
    await expect(store.claim('', MINUTE, 'tok')).rejects.toThrow(emptyKey);
    await expect(store.claim('e1', 1.5, 'tok')).rejects.toThrow(/claim: leaseMs must be a positive .* got 1\.5\.$/);
    await expect(store.claim('e1', MINUTE, '')).rejects.toThrow(/claim: token must be a non-empty string/);
    await expect(store.complete('e1', Number.POSITIVE_INFINITY, 'tok')).rejects.toThrow(/ttlMs .* got Infinity\.$/);
    await expect(store.complete('e1', MINUTE, undefined as unknown as string)).rejects.toThrow(TypeError);
    await expect(store.release('e1', '')).rejects.toThrow(/release: token/);
    expect(sent).toEqual([]);
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
      const mine = token();
      expect(await store.claim(key, MINUTE, mine)).toBe('claimed');
      expect(await admin.get(keyPrefix + key)).toBe(`processing:${mine}`);
      const leaseLeft = await admin.pttl(keyPrefix + key);
      expect(leaseLeft).toBeGreaterThan(0);
      expect(leaseLeft).toBeLessThanOrEqual(MINUTE);

      await store.complete(key, 10 * MINUTE, mine);
      expect(await admin.get(keyPrefix + key)).toBe('done');
      expect(await admin.pttl(keyPrefix + key)).toBeGreaterThan(MINUTE);
    });

    test('a token that reads "done" is still a claim: no token can pass for a done marker', async () => {
      const store = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      expect(await store.claim(key, MINUTE, 'done')).toBe('claimed');
      expect(await admin.get(keyPrefix + key)).toBe('processing:done');
      expect(await store.claim(key, MINUTE, token())).toBe('processing');
    });

    test("across instances a claim is its token's: others' release or complete leave it alone", async () => {
      const a = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      const b = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      const mine = token();
      expect(await a.claim(key, MINUTE, mine)).toBe('claimed');
      await b.release(key, token());
      await b.complete(key, MINUTE, token());
      expect(await admin.get(keyPrefix + key)).toBe(`processing:${mine}`);
      expect(await b.claim(key, MINUTE, token())).toBe('processing');
      // The token is all that identifies the holder: any instance may settle the claim with it.
      await b.complete(key, MINUTE, mine);
      expect(await a.claim(key, MINUTE, token())).toBe('done');
    });

    test("a slow instance's release after its lease expired never drops the new owner's claim", async () => {
      const slow = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      const other = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      const [slowToken, otherToken] = [token(), token()];
      expect(await slow.claim(key, 50, slowToken)).toBe('claimed');
      await sleep(400);
      expect(await other.claim(key, MINUTE, otherToken)).toBe('claimed');
      await slow.release(key, slowToken); // its handler failed, long after the lease
      expect(await slow.claim(key, MINUTE, token())).toBe('processing');
      await other.complete(key, MINUTE, otherToken);
      await slow.release(key, slowToken);
      expect(await slow.claim(key, MINUTE, token())).toBe('done');
    });

    test('complete lengthens a done marker to the ttl asked for, and never shortens it', async () => {
      const store = redisDedupeStore({ client: await makeClient(), prefix: keyPrefix });
      const mine = token();
      expect(await store.claim(key, MINUTE, mine)).toBe('claimed');
      await store.complete(key, MINUTE, mine);
      await store.complete(key, 10 * MINUTE, token());
      expect(await admin.pttl(keyPrefix + key)).toBeGreaterThan(MINUTE);
      await store.complete(key, 1_000, mine);
      expect(await admin.pttl(keyPrefix + key)).toBeGreaterThan(MINUTE);
      expect(await admin.get(keyPrefix + key)).toBe('done');
      // A marker someone wrote without a TTL stays without one.
      await admin.persist(keyPrefix + key);
      await store.complete(key, 1_000, mine);
      expect(await admin.pttl(keyPrefix + key)).toBe(-1);
    });

    test('a closed client makes every operation reject, naming the operation', async () => {
      const client = await makeClient();
      const store = redisDedupeStore({ client, prefix: keyPrefix });
      const mine = token();
      expect(await store.claim(key, MINUTE, mine)).toBe('claimed');
      if (client instanceof Redis) client.disconnect();
      else await (client as unknown as { close(): Promise<void> }).close();
      const other = `${key}-other`;
      await expect(store.claim(other, MINUTE, token())).rejects.toThrow(/^@vobiz-webhooks\/redis: claim failed: /);
      await expect(store.complete(other, MINUTE, mine)).rejects.toThrow(/^@vobiz-webhooks\/redis: complete failed: /);
      await expect(store.release(key, mine)).rejects.toThrow(/^@vobiz-webhooks\/redis: release failed: /);
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
        createReceiver({
          secret: SECRET,
          dedupe: store,
          on: { '*': (event) => void handled.push(event.event_id) },
          logger: false,
        });
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
        const noReply = '@vobiz-webhooks/redis: claim got no reply from Redis within 300 ms.';
        // Named as timeouts are, so that the receiver asks no more within a delivery (isTimeout).
        await expect(store.claim('never-answered', MINUTE, token())).rejects.toMatchObject({
          name: 'TimeoutError',
          message: noReply,
        });
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
