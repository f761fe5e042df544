import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { redisDedupeStore } from '@vobiz-webhooks/redis';
import request from 'supertest';
import { deleteKeys, describeWithRedis, REDIS_URL, uniquePrefix } from '@vobiz-webhooks/test-suites';
import { createApp } from '../src/app';
import { connectRedis, type ConnectedRedis } from '../src/redis-client';

const SECRET = 'whsec_example_express_redis';

function post(app: Parameters<typeof request>[0], event: object) {
  const { body, headers } = signedRequest(event, SECRET);
  return request(app).post('/webhooks/vobiz').set(headers).send(body);
}

describeWithRedis('examples/express-redis', () => {
  const prefix = uniquePrefix('example-express-redis');
  const connections: ConnectedRedis[] = [];
  const instance = async (library: 'ioredis' | 'node-redis', onMessage?: (summary: string) => void | Promise<void>) => {
    const redis = await connectRedis(REDIS_URL, library);
    connections.push(redis);
    return createApp({
      secret: SECRET,
      dedupe: redisDedupeStore({ client: redis.client, prefix }),
      onMessage: onMessage ?? (() => {}),
      logger: false,
    });
  };

  afterAll(async () => {
    await Promise.all(connections.map(async (redis) => redis.close()));
    await deleteKeys(prefix);
  });

  test('two instances behind a load balancer: a copy of a handled event is a duplicate on the other one', async () => {
    const a = await instance('ioredis');
    const b = await instance('node-redis');
    const event = createTestEvent('message.inbound', { messageType: 'text' });

    const first = await post(a.app, event);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ ok: true });
    const copy = await post(b.app, event);
    expect(copy.status).toBe(200);
    expect(copy.body).toEqual({ ok: true, duplicate: true });

    expect(a.handled.map((item) => item.event_id)).toEqual([event.event_id]);
    expect(b.handled).toEqual([]);
  });

  test('a handler that fails on one instance answers 500; the retry on the other instance handles it', async () => {
    const failing = await instance('ioredis', () => {
      throw new Error('the CRM is down');
    });
    const healthy = await instance('node-redis');
    const event = createTestEvent('message.inbound');

    const failed = await post(failing.app, event);
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('handler_failed');
    const retried = await post(healthy.app, event);
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ ok: true });
    expect(healthy.handled.map((item) => item.event_id)).toEqual([event.event_id]);
  });

  test('a bad signature gets 401 invalid_signature, and the rest of the app still works', async () => {
    const { app } = await instance('ioredis');
    const { body, headers } = signedRequest(createTestEvent('message.status'), 'not-the-secret');
    const refused = await request(app).post('/webhooks/vobiz').set(headers).send(body);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_signature');
    expect((await request(app).get('/health')).body).toEqual({ ok: true });
  });
});
