import Router from '@koa/router';
import type Koa from 'koa';
import koaBodyParser from 'koa-bodyparser';
import { messagesOf } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import type { VobizEvent, VobizWebhookOptions } from '@vobiz-webhooks/koa';
import { vobizWebhook } from '@vobiz-webhooks/koa';
import { deliver, newKoaApp, type KoaVersion } from './support/target';

// Loaded untyped on purpose: @koa/bodyparser's types declare `rawBody: string` on every
// http.IncomingMessage, and the repo type-checks as one program, so importing them here
// would break other packages' request types (Express's `rawBody?: unknown`).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bodyParser } = require('@koa/bodyparser') as { bodyParser: () => Koa.Middleware };

const SECRET = 'koa-body-parser-secret';

function recording(): { options: VobizWebhookOptions; seen: VobizEvent[] } {
  const seen: VobizEvent[] = [];
  return { seen, options: { secret: SECRET, logger: false, on: { '*': (event) => void seen.push(event) } } };
}

/**
 * A body that only verifies when the exact bytes are hashed: pretty-printed, with Meta's
 * escaped-unicode form (\u00e1) next to raw emoji and accents. Re-serializing the parsed
 * object would collapse the spaces and unescape the \u sequences, and break the HMAC.
 */
function byteExactDelivery() {
  const event = createTestEvent('message.inbound', {
    payload: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
      contacts: [{ profile: { name: 'José Müller' }, wa_id: '16505551234' }],
      messages: [
        { from: '16505551234', id: 'wamid.KOA1', timestamp: '1774432800', type: 'text', text: { body: 'PLACEHOLDER' } },
      ],
    },
  });
  const raw = JSON.stringify(event, null, 2).replace('"PLACEHOLDER"', '"Ol\\u00e1, ¿llegó mi pedido? 🚚🇪🇸 ñandú"');
  return { raw, ...signedRequest(raw, SECRET) };
}

const parsers: Array<[string, () => Koa.Middleware]> = [
  ['@koa/bodyparser', () => bodyParser()],
  ['koa-bodyparser', () => koaBodyParser()],
];

/** A hand-rolled JSON parser that keeps only the parsed object, as many apps write one. */
const parsedOnly: Koa.Middleware = async (ctx, next) => {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  await next();
};

describe.each<KoaVersion>([3, 2])('Koa %i', (version) => {
  describe.each(parsers)('with %s mounted first', (_name, parser) => {
    it('verifies ctx.request.rawBody at the root', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(parser()).use(vobizWebhook(options));
      const event = createTestEvent('message.status');

      const res = await deliver(app, signedRequest(event, SECRET));

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
    });

    it('verifies the exact bytes of a body with escapes, emoji and accents on a router.post route', async () => {
      const { options, seen } = recording();
      const router = new Router();
      router.post('/webhooks/vobiz', vobizWebhook(options));
      const app = newKoaApp(version).use(parser()).use(router.routes());
      const { body, headers } = byteExactDelivery();

      const res = await deliver(app, { headers, body });

      expect(res.status).toBe(200);
      expect(messagesOf(seen[0] as VobizEvent)[0]?.text?.body).toBe('Olá, ¿llegó mi pedido? 🚚🇪🇸 ñandú');
    });

    it('still refuses a tampered body with 401 invalid_signature', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(parser()).use(vobizWebhook(options));
      const { body, headers } = byteExactDelivery();

      const res = await deliver(app, { headers, body: body.replace('ñandú', 'ñandu') });

      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_signature');
      expect(seen).toEqual([]);
    });
  });

  describe('with a parser that keeps only the parsed object', () => {
    it('answers 500 raw_body_unavailable with the fix, and runs no handler', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version).use(parsedOnly).use(vobizWebhook(options));

      const res = await deliver(app, signedRequest(createTestEvent('message.inbound'), SECRET));

      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('raw_body_unavailable');
      expect(res.body.error.message).toContain('ctx.request.rawBody');
      expect(res.body.error.message).toContain('before the body parser');
      expect(seen).toEqual([]);
    });

    it('is fine when the webhook is mounted before that parser, which still parses the other routes', async () => {
      const { options, seen } = recording();
      const app = newKoaApp(version)
        .use(vobizWebhook(options))
        .use(parsedOnly)
        .use((ctx) => {
          ctx.body = { parsed: (ctx.request as { body?: unknown }).body };
        });
      const event = createTestEvent('call.terminate');

      const hook = await deliver(app, signedRequest(event, SECRET));
      const other = await deliver(app, {
        path: '/orders',
        headers: { 'content-type': 'application/json' },
        body: '{"sku":"A-1"}',
      });

      expect(hook.status).toBe(200);
      expect(seen.map((e) => e.event_id)).toEqual([event.event_id]);
      expect(other.body).toEqual({ parsed: { sku: 'A-1' } });
    });
  });
});
