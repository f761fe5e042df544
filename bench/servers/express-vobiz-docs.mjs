// Configuration 2: the hand-written receiver from Vobiz's docs (express.raw, createHmac,
// a length check, timingSafeEqual, JSON.parse), plus the same handler work as the others.
import express from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { PATHS, SECRET, countMessages, messagesOfMeta, serve } from './common.mjs';

const app = express();
app.post(PATHS.vobiz, express.raw({ type: 'application/json' }), (req, res) => {
  const signature = req.get('X-Webhook-Signature') ?? '';
  const expected = createHmac('sha256', SECRET).update(req.body).digest('hex');
  if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    res.status(401).end();
    return;
  }
  const event = JSON.parse(req.body.toString('utf8'));
  if (event.event_type === 'message.inbound') countMessages(messagesOfMeta(event.payload));
  res.status(200).end();
});
serve(createServer(app));
