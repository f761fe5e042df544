import express from 'express';
import express4 from 'express4';
import type { IncomingMessage } from 'node:http';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { messagesOf, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';
import { delivery, expectOk, expectRefusal, SECRET } from '@vobiz-webhooks/test-suites';
import type { Target } from '@vobiz-webhooks/test-suites';
import { targetFor } from './support/target';

// Raw bytes (docs/architecture.md, "Raw bytes"): the HMAC is over the exact bytes, so what an earlier body parser did
// decides whether the middleware can verify at all. Run on both Express majors.

const flavours = [
  { name: 'Express 5', create: () => express() },
  { name: 'Express 4', create: () => express4() },
] as const;

describe.each(flavours)('$name: raw bytes after other body parsers', ({ create }) => {
  let open: Target[] = [];
  let seen: VobizEvent[] = [];
  afterEach(async () => {
    await Promise.all(open.map((t) => t.close?.()));
    open = [];
    seen = [];
  });

  async function appWith(...before: express.RequestHandler[]): Promise<Target> {
    const app = create();
    for (const parser of before) app.use(parser);
    app.use(
      vobizWebhook({ secret: SECRET, logger: false, on: { 'message.inbound': (event) => void seen.push(event) } }),
    );
    const t = await targetFor(app);
    open.push(t);
    return t;
  }

  const emojiEvent = () => {
    const event = createTestEvent('message.inbound', { shape: 'value' });
    (event.payload as { messages: Array<{ text: { body: string } }> }).messages[0]!.text.body = 'Çà va? 👍🏾 mañana';
    return event;
  };

  it('express.json() mounted first answers 500 raw_body_unavailable, with the fix in the message', async () => {
    const t = await appWith(express.json());
    const response = await t.send(delivery(createTestEvent('message.inbound')));
    expectRefusal(response, 500, 'raw_body_unavailable');
    expect(response.body.error.message).toMatch(/before express\.json\(\)/);
    expect(response.body.error.message).toMatch(/verify/);
    expect(seen).toEqual([]);
  });

  it('express.json() first also refuses an empty JSON object body rather than re-serializing it', async () => {
    const t = await appWith(express.json());
    expectRefusal(await t.send(delivery('{}')), 500, 'raw_body_unavailable');
  });

  it('express.raw({ type: "application/json" }) first works: its Buffer is the raw body', async () => {
    const t = await appWith(express.raw({ type: 'application/json' }));
    const event = emojiEvent();
    expectOk(await t.send(delivery(event)));
    expect(messagesOf(seen[0]!)[0]?.text?.body).toBe('Çà va? 👍🏾 mañana');
  });

  it('express.raw() with its default type does not touch JSON and the middleware reads the stream', async () => {
    const t = await appWith(express.raw());
    expectOk(await t.send(delivery(createTestEvent('message.inbound'))));
    expect(seen).toHaveLength(1);
  });

  it('express.text({ type: "application/json" }) first works, emoji and accents included', async () => {
    const t = await appWith(express.text({ type: 'application/json' }));
    expectOk(await t.send(delivery(emojiEvent())));
    expect(messagesOf(seen[0]!)[0]?.text?.body).toBe('Çà va? 👍🏾 mañana');
  });

  it('express.json({ verify }) that keeps req.rawBody works', async () => {
    const keepRaw = express.json({
      verify: (req: IncomingMessage & { rawBody?: Buffer }, _res, buf) => {
        req.rawBody = buf;
      },
    });
    const t = await appWith(keepRaw);
    expectOk(await t.send(delivery(emojiEvent())));
    expect(seen).toHaveLength(1);
  });

  it('express.json({ verify }) with a tampered body is still 401: the kept bytes are what is verified', async () => {
    const keepRaw = express.json({
      verify: (req: IncomingMessage & { rawBody?: Buffer }, _res, buf) => {
        req.rawBody = buf;
      },
    });
    const t = await appWith(keepRaw);
    const signed = delivery(createTestEvent('message.inbound', { account_id: 'MA_REAL' }));
    expectRefusal(
      await t.send({ ...signed, body: String(signed.body).replace('MA_REAL', 'MA_FAKE') }),
      401,
      'invalid_signature',
    );
  });

  it('express.urlencoded() first leaves a JSON delivery alone', async () => {
    const t = await appWith(express.urlencoded({ extended: false }));
    expectOk(await t.send(delivery(createTestEvent('message.inbound'))));
    expect(seen).toHaveLength(1);
  });

  it('express.json() scoped to other paths does not disturb the webhook', async () => {
    const app = create();
    app.use('/api', express.json());
    app.use(
      vobizWebhook({ secret: SECRET, logger: false, on: { 'message.inbound': (event) => void seen.push(event) } }),
    );
    app.post('/api/echo', (req, res) => void res.json(req.body));
    const t = await targetFor(app);
    open.push(t);
    expectOk(await t.send(delivery(createTestEvent('message.inbound'))));
    const echo = await t.send({
      method: 'POST',
      path: '/api/echo',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(echo).toMatchObject({ status: 200, body: { a: 1 } });
  });
});
