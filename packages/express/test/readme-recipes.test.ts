import express from 'express';
import request from 'supertest';
import { metaWebhook, vobizWebhook, type EventHandlers } from '@vobiz-webhooks/express';
import { messagesOf } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

// The snippets of packages/express/README.md, run as written (supertest on the app).

const secret = 'whsec_readme_recipe';

describe('README recipes', () => {
  it('one line, express.json() after it for the other routes, tested with signedRequest + supertest', async () => {
    const stored: string[] = [];
    const app = express();
    app.use(
      vobizWebhook({
        secret,
        logger: false,
        on: {
          'message.inbound': async (event) => void stored.push(...messagesOf(event).map((m) => m.type ?? 'untyped')),
        },
      }),
    );
    app.use(express.json());
    app.post('/api/orders', (req, res) => void res.status(201).json(req.body));

    const event = createTestEvent('message.inbound', { messageType: 'image' });
    const { body, headers } = signedRequest(event, secret);
    const res = await request(app).post('/webhooks/vobiz').set(headers).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(stored).toEqual(['image']);

    const orders = await request(app).post('/api/orders').send({ sku: 'A1' });
    expect(orders.status).toBe(201);
    expect(orders.body).toEqual({ sku: 'A1' });
  });

  it('express.json({ verify }) keeping req.rawBody, as the README writes it', async () => {
    const app = express();
    app.use(
      express.json({
        verify: (req, _res, buf) => {
          (req as any).rawBody = buf;
        },
      }),
    );
    app.use(vobizWebhook({ secret, logger: false, on: { '*': () => undefined } }));
    const { body, headers } = signedRequest(createTestEvent('call.connect'), secret);
    expect((await request(app).post('/webhooks/vobiz').set(headers).send(body)).status).toBe(200);
  });

  it('sending the event object instead of the signed string changes the bytes (why the README says send `body`)', async () => {
    const app = express().use(vobizWebhook({ secret, logger: false, on: { '*': () => undefined } }));
    const event = createTestEvent('message.inbound', { shape: 'value' });
    (event.payload as { messages: Array<{ text: { body: string } }> }).messages[0]!.text.body = 'café';
    const { body, headers } = signedRequest(JSON.stringify(event, null, 2), secret);
    const reserialized = await request(app).post('/webhooks/vobiz').set(headers).send(JSON.parse(body));
    expect(reserialized.status).toBe(401);
    expect(reserialized.body.error.code).toBe('invalid_signature');
  });

  describe("Meta's Cloud API directly", () => {
    const appSecret = 'meta_readme_app_secret';
    const verifyToken = 'meta-readme-verify-token';

    it('the one line, tested with the handshake and a delivery as the README writes them', async () => {
      const seen: string[] = [];
      const app = express();
      app.use(
        metaWebhook({
          appSecret,
          verifyToken,
          logger: false,
          on: {
            'message.inbound': async (event) => {
              for (const m of messagesOf(event)) seen.push(`${event.source}:${m.from}:${m.text?.body}`);
            },
          },
        }),
      );
      app.use(express.json());

      const handshake = await request(app)
        .get('/webhooks/meta')
        .query({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '1158201444' });
      expect(handshake.text).toBe('1158201444');

      const { body, headers } = signedRequest(createTestEvent('message.inbound', { format: 'meta' }), appSecret);
      const res = await request(app).post('/webhooks/meta').set(headers).send(body);
      expect(res.status).toBe(200);
      expect(seen).toEqual([expect.stringMatching(/^meta:\d+:/)]);
    });

    it('both middlewares in one app with one `on`, each on its own path', async () => {
      const sources: string[] = [];
      const on: EventHandlers = { '*': async (event) => void sources.push(event.source) };
      const app = express();
      app.use(vobizWebhook({ secret, logger: false, on }));
      app.use(metaWebhook({ appSecret, verifyToken, logger: false, on }));

      const vobiz = signedRequest(createTestEvent('message.inbound'), secret);
      expect((await request(app).post('/webhooks/vobiz').set(vobiz.headers).send(vobiz.body)).status).toBe(200);
      const meta = signedRequest(createTestEvent('message.status', { format: 'meta' }), appSecret);
      expect((await request(app).post('/webhooks/meta').set(meta.headers).send(meta.body)).status).toBe(200);
      expect(sources).toEqual(['vobiz', 'meta']);
    });
  });
});
