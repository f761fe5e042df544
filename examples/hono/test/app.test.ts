import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { createApp } from '../src/app';

const SECRET = 'example-hono-secret';

describe('examples/hono on @hono/node-server', () => {
  let server: ServerType;
  let base: string;
  let received: string[];

  beforeAll(async () => {
    const created = createApp({ secret: SECRET, logger: false });
    received = created.received;
    server = await new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: created.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function post(path: string, body: string, headers: Record<string, string>) {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as any };
  }

  it('handles a signed delivery of each kind, refuses a forged one, and answers a duplicate once', async () => {
    const events = [
      createTestEvent('message.inbound'),
      createTestEvent('message.status'),
      createTestEvent('call.connect'),
    ];
    for (const event of events) {
      const { body, headers } = signedRequest(event, SECRET);
      expect(await post('/webhooks/vobiz', body, headers)).toEqual({ status: 200, body: { ok: true } });
    }
    const forged = signedRequest(createTestEvent('message.inbound'), 'whsec_forger');
    expect((await post('/webhooks/vobiz', forged.body, forged.headers)).body.error.code).toBe('invalid_signature');
    const again = signedRequest(events[0] as object, SECRET);
    expect((await post('/webhooks/vobiz', again.body, again.headers)).body).toEqual({ ok: true, duplicate: true });

    const shown = (await (await fetch(`${base}/received`)).json()) as string[];
    expect(shown).toEqual(received);
    expect(shown).toEqual([
      expect.stringMatching(/^message text from /),
      expect.stringMatching(/^status \w+ of /),
      expect.stringMatching(/^call connect from /),
    ]);
  });

  it('answers GET on the webhook path with 405 and leaves other JSON routes alone', async () => {
    const refused = await fetch(`${base}/webhooks/vobiz`);
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('POST');
    expect(await post('/api/echo', '{"a":1}', { 'content-type': 'application/json' })).toEqual({
      status: 200,
      body: { a: 1 },
    });
  });
});
