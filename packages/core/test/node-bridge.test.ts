import { createReceiver, messagesOf } from '@vobiz-webhooks/core';
import { nodeRawBody, pathnameOf, sendNodeResult } from '@vobiz-webhooks/core/node';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { listen, type Listening } from '@vobiz-webhooks/test-suites';

// The shared Node bridge (@vobiz-webhooks/core/node) on a plain node:http server, wired
// the way packages/core/README.md shows it.

const SECRET = 'whsec_node_bridge';
let served: Listening;
let url: string;
const texts: Array<string | undefined> = [];

beforeAll(async () => {
  const receiver = createReceiver({
    secret: SECRET,
    logger: false,
    maxBodyBytes: 32 * 1024,
    on: { 'message.inbound': (event) => void texts.push(...messagesOf(event).map((m) => m.text?.body)) },
  });
  served = await listen(async (req, res) => {
    if (!receiver.matchesPath(new URL(req.url ?? '/', 'http://x').pathname)) return void res.writeHead(404).end();
    const result = await receiver.receive({
      method: req.method,
      headers: req.headers,
      rawBody: nodeRawBody(req, {}, 'Pass the untouched request.'),
    });
    sendNodeResult(res, result);
  });
  url = served.origin;
});

afterAll(() => served.close());

describe('@vobiz-webhooks/core/node on plain node:http', () => {
  it('reads the stream, verifies, and writes the result with its headers', async () => {
    const event = createTestEvent('message.inbound', { shape: 'value' });
    (event.payload as { messages: Array<{ text: { body: string } }> }).messages[0]!.text.body = 'Grüße 🌍';
    const { body, headers } = signedRequest(event, SECRET);
    const response = await fetch(`${url}/webhooks/vobiz?x=1`, { method: 'POST', headers, body });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ ok: true });
    expect(texts).toContain('Grüße 🌍');
  });

  it('405 carries Allow: POST, and a streamed oversized body is 413', async () => {
    const get = await fetch(`${url}/webhooks/vobiz`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
    const big = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(16 * 1024).fill(32));
        controller.close();
      },
    });
    const response = await fetch(`${url}/webhooks/vobiz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-signature': '0'.repeat(64) },
      body: big,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('pathnameOf drops the query string', () => {
    expect(pathnameOf('/webhooks/vobiz?a=1&b=2')).toBe('/webhooks/vobiz');
    expect(pathnameOf('/x')).toBe('/x');
    expect(pathnameOf(undefined)).toBe('/');
  });
});
