import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { createApp, type Received } from '../src/app';

const SECRET = 'example-koa-secret';

describe('examples/koa over HTTP', () => {
  jest.setTimeout(30_000);
  let server: Server;
  let base: string;
  let received: Received[];
  const warnings: string[] = [];

  beforeAll(async () => {
    const created = createApp({
      secret: SECRET,
      logger: { warn: (...args: unknown[]) => void warnings.push(args.join(' ')), error: () => undefined },
    });
    received = created.received;
    server = created.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** POSTs a signed delivery the way Vobiz does and returns status and JSON answer. */
  async function post(signed: { body: string; headers: Record<string, string> }) {
    const res = await fetch(`${base}/webhooks/vobiz`, { method: 'POST', headers: signed.headers, body: signed.body });
    return {
      status: res.status,
      body: (await res.json()) as { ok: boolean; duplicate?: boolean; error?: { code: string } },
    };
  }

  it('handles one signed delivery of every event type and records what each handler saw', async () => {
    const events = [
      createTestEvent('message.inbound'),
      createTestEvent('message.inbound', { messageType: 'image', shape: 'value' }),
      createTestEvent('message.status', { status: 'read' }),
      createTestEvent('message.status', { status: 'played' }),
      createTestEvent('call.connect'),
      createTestEvent('call.status_change'),
      createTestEvent('call.terminate'),
      createTestEvent('template.category_update'),
    ];
    received.length = 0;

    for (const event of events) {
      expect(await post(signedRequest(event, SECRET))).toEqual({ status: 200, body: { ok: true } });
    }

    const ids = events.map((event) => event.event_id);
    expect(received).toEqual([
      {
        event_type: 'message.inbound',
        event_id: ids[0],
        summary: 'text from 16505551234: Hola! ¿Tienen envío a Málaga? 🚚',
      },
      { event_type: 'message.inbound', event_id: ids[1], summary: 'image from 16505551234: image' },
      { event_type: 'message.status', event_id: ids[2], summary: expect.stringMatching(/^status read for wamid\./) },
      { event_type: 'message.status', event_id: ids[3], summary: expect.stringMatching(/^status played for wamid\./) },
      { event_type: 'call.connect', event_id: ids[4], summary: 'call connect from 16505551234' },
      {
        event_type: 'call.status_change',
        event_id: ids[5],
        summary: expect.stringMatching(/^call status RINGING for wacid\./),
      },
      { event_type: 'call.terminate', event_id: ids[6], summary: 'call terminate from 16505551234' },
      // template.category_update has no handler in the example: acknowledged, nothing recorded.
    ]);
  });

  it('refuses a forged delivery with 401 invalid_signature and records nothing', async () => {
    received.length = 0;
    const forged = signedRequest(createTestEvent('message.inbound'), 'an-attackers-guess');

    const answer = await post(forged);

    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('invalid_signature');
    expect(received).toEqual([]);
    // The operator hears about it (the diagnosis, then the refusal), without the secret.
    expect(warnings.some((line) => line.includes('401 invalid_signature'))).toBe(true);
    expect(warnings.join('\n')).not.toContain(SECRET);
  });

  it('acknowledges a duplicate delivery without running the handler again', async () => {
    received.length = 0;
    const signed = signedRequest(createTestEvent('message.status', { status: 'delivered' }), SECRET);

    expect(await post(signed)).toEqual({ status: 200, body: { ok: true } });
    expect(await post(signed)).toEqual({ status: 200, body: { ok: true, duplicate: true } });

    expect(received).toHaveLength(1);
  });

  it('keeps the other routes: GET /health, and GET /received shows what arrived', async () => {
    received.length = 0;
    const event = createTestEvent('call.connect');
    await post(signedRequest(event, SECRET));

    const health = await fetch(`${base}/health`);
    const log = await fetch(`${base}/received`);

    expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: { ok: true } });
    expect(await log.json()).toEqual([
      { event_type: 'call.connect', event_id: event.event_id, summary: 'call connect from 16505551234' },
    ]);
  });

  it('leaves GET on the webhook path to the router: 405 with Allow: POST', async () => {
    const res = await fetch(`${base}/webhooks/vobiz`);

    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
  });
});
