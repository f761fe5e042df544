import express from 'express';
import request from 'supertest';
import { vobizWebhook } from '@vobiz-webhooks/express';
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
});
