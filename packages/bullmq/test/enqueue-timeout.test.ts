import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { createReceiver } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { freePort, redisServerInstalled, startPrivateRedis, type PrivateRedis } from '@vobiz-webhooks/test-suites';
import { bullmqQueue, jobIdFor, type BullmqEventQueue } from '@vobiz-webhooks/bullmq';
import { describeIf } from '@vobiz-webhooks/test-suites';
import { uniqueQueueName } from './support/harness';

// A Redis that does not answer must cost the sender an answer within enqueueTimeoutMs
// (503 queue_unavailable, retried), never a hung request.
const SECRET = 'whsec_enqueue_timeout';
const TIMEOUT_MS = 500;

const describeWithRedisServer = describeIf(
  redisServerInstalled(),
  'redis-server',
  'no redis-server binary on PATH',
  'Install it (apt-get install redis-server, brew install redis) and run jest again.',
);

function receiverOn(events: BullmqEventQueue) {
  const receiver = createReceiver({ secret: SECRET, logger: false, queue: events, enqueueTimeoutMs: TIMEOUT_MS });
  return async (event = createTestEvent('message.inbound')) => {
    const { body, headers } = signedRequest(event, SECRET);
    const startedAt = Date.now();
    const result = await receiver.receive({ method: 'POST', headers, rawBody: body });
    return {
      status: result.status,
      code: result.error?.code,
      ms: Date.now() - startedAt,
      retryAfter: result.headers['retry-after'],
    };
  };
}

describe('a TCP server that accepts and never replies', () => {
  let server: Server;
  let port: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    port = await freePort();
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }).listen(port, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  it('503 queue_unavailable with Retry-After within enqueueTimeoutMs', async () => {
    const events = bullmqQueue({
      connection: `redis://127.0.0.1:${port}`,
      name: uniqueQueueName('blackhole'),
      logger: false,
    });
    try {
      const answer = await receiverOn(events)();
      expect(answer).toMatchObject({ status: 503, code: 'queue_unavailable' });
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(answer.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(answer.ms).toBeLessThan(TIMEOUT_MS + 400);
    } finally {
      await events.close();
    }
  });
});

describeWithRedisServer('a private redis-server', () => {
  let redis: PrivateRedis;
  let events: BullmqEventQueue;
  beforeEach(async () => {
    redis = await startPrivateRedis();
    events = bullmqQueue({ connection: redis.url, name: uniqueQueueName('paused'), logger: false });
    await events.queue.waitUntilReady();
  });
  afterEach(async () => {
    redis.resume();
    await events.close().catch(() => undefined);
    await redis.kill();
  });

  it('paused (SIGSTOP): 503 within enqueueTimeoutMs; resumed, the late add lands and the retry finds the same job', async () => {
    const send = receiverOn(events);
    const event = createTestEvent('message.inbound');
    redis.pause();
    const answer = await send(event);
    expect(answer).toMatchObject({ status: 503, code: 'queue_unavailable' });
    expect(answer.ms).toBeLessThan(TIMEOUT_MS + 400);
    redis.resume();
    // The add sent before the timeout is still delivered once Redis answers again.
    const deadline = Date.now() + 5_000;
    while ((await events.queue.getJob(jobIdFor(event.event_id))) === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await events.queue.getJob(jobIdFor(event.event_id))).toBeDefined();
    expect(await send(event)).toMatchObject({ status: 200 });
    expect(await events.queue.getJobCounts()).toMatchObject({ waiting: 1 });
  });

  it('down (killed): 503 at once, without waiting for the timeout, since nothing queues offline', async () => {
    const send = receiverOn(events);
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = await send();
    expect(answer).toMatchObject({ status: 503, code: 'queue_unavailable' });
    expect(answer.ms).toBeLessThan(TIMEOUT_MS / 2);
  });
});
