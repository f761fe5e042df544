import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InlineOptions, VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizWebhook, type PagesApiRequest } from '@vobiz-webhooks/next/pages';
import { listen, type Listening } from '@vobiz-webhooks/test-suites';

// The Pages Router handler behind a real Node HTTP server, the way Next.js calls an
// API route: with `bodyParser: false` it reads the stream itself; with Next's parser
// left on, the stream is gone and only parsed JSON remains in `req.body`.

const SECRET = 'whsec_next_pages_test';
const FIX = 'export const config = { api: { bodyParser: false } }';

/** What Next's API body parser does: read the whole stream, then set `req.body` to parsed JSON. */
async function nextBodyParser(req: PagesApiRequest): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  req.body = /json/.test(req.headers['content-type'] ?? '') ? JSON.parse(text) : text;
}

const servers: Listening[] = [];

async function serve(options: Partial<InlineOptions>, bodyParser: boolean) {
  const seen: VobizEvent[] = [];
  const handler = vobizWebhook({
    secret: SECRET,
    logger: false,
    on: { '*': (event) => void seen.push(event) },
    ...options,
  });
  const served = await listen((req: IncomingMessage, res: ServerResponse) => {
    const run = async () => {
      if (bodyParser) await nextBodyParser(req);
      await handler(req, res);
    };
    run().catch((error: unknown) => {
      res.statusCode = 599;
      res.end(String(error));
    });
  });
  servers.push(served);
  const url = `${served.origin}/api/webhooks/vobiz`;
  return { url, seen };
}

afterAll(async () => {
  await Promise.all(servers.map((served) => served.close()));
});

async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe('Pages Router API handler (@vobiz-webhooks/next/pages)', () => {
  describe('with export const config = { api: { bodyParser: false } }', () => {
    it.each(['message.inbound', 'message.status', 'call.connect', 'call.terminate'])(
      'answers a signed %s delivery with 200 and calls the handler',
      async (type) => {
        const { url, seen } = await serve({}, false);
        const event = createTestEvent(type);
        const { body, headers } = signedRequest(event, SECRET);
        const answer = await post(url, body, headers);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ ok: true });
        expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
        expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
      },
    );

    it('refuses a forged delivery with 401 invalid_signature', async () => {
      const { url, seen } = await serve({}, false);
      const { body, headers } = signedRequest(createTestEvent('message.inbound'), 'whsec_forger');
      const answer = await post(url, body, headers);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('invalid_signature');
      expect(seen).toHaveLength(0);
    });

    it('answers 413 payload_too_large over maxBodyBytes', async () => {
      const { url, seen } = await serve({ maxBodyBytes: 256 }, false);
      const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
      const answer = await post(url, body, headers);
      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toBe('payload_too_large');
      expect(seen).toHaveLength(0);
    });

    it('answers 405 method_not_allowed with Allow: POST for other methods', async () => {
      const { url } = await serve({}, false);
      const response = await fetch(url, { method: 'GET' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(((await response.json()) as any).error.code).toBe('method_not_allowed');
    });
  });

  describe("with Next's body parser left on", () => {
    it('answers 500 raw_body_unavailable naming the exact config line, and never calls the handler', async () => {
      const { url, seen } = await serve({}, true);
      const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
      const answer = await post(url, body, headers);
      expect(answer.status).toBe(500);
      expect(answer.body.error.code).toBe('raw_body_unavailable');
      expect(answer.body.error.message).toContain(FIX);
      expect(seen).toHaveLength(0);
    });

    it('refuses even a correctly signed body rather than re-serializing the parsed JSON', async () => {
      const { url, seen } = await serve({}, true);
      // Compact JSON: JSON.stringify(req.body) would reproduce these bytes and "verify".
      const event = createTestEvent('message.status');
      const { body, headers } = signedRequest(JSON.stringify(event), SECRET);
      const answer = await post(url, body, headers);
      expect(answer.status).toBe(500);
      expect(answer.body.error.code).toBe('raw_body_unavailable');
      expect(seen).toHaveLength(0);
    });
  });
});
