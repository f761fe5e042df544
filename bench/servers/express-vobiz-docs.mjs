// Configuration 2: the hand-written receiver from Vobiz's docs (express.raw, createHmac,
// a length check, timingSafeEqual, JSON.parse: `verifiedEvent` in servers/common.mjs),
// plus the same handler work as the others.
import express from 'express';
import { createServer } from 'node:http';
import { PATHS, handleEvent, serve, verifiedEvent } from './common.mjs';

const app = express();
app.post(PATHS.vobiz, express.raw({ type: 'application/json' }), (req, res) => {
  const event = verifiedEvent(req.get('X-Webhook-Signature'), req.body);
  if (event === undefined) {
    res.status(401).end();
    return;
  }
  handleEvent(event);
  res.status(200).end();
});
serve(createServer(app));
