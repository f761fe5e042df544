// Configurations 7 and 7p: whatsapp-api-js's Express middleware, as its docs mount it
// (express.text, then handle_post, which checks X-Hub-Signature-256 with the app secret).
import express from 'express';
import { createServer } from 'node:http';
import { WhatsAppAPI } from 'whatsapp-api-js/middleware/express';
import { KIND, PATHS, SECRET, countMessages, serve } from './common.mjs';

const whatsapp = new WhatsAppAPI({ token: 'bench-token', appSecret: SECRET, webhookVerifyToken: 'bench', v: 'v23.0' });
whatsapp.on.message = ({ message }) => countMessages([message]);

const app = express();
// Configuration 7 sends its Vobiz-sized Meta body to /webhooks/whatsapp, 7p the one-message one to /webhooks/meta.
app.post(PATHS[KIND ?? 'whatsapp'], express.text({ type: '*/*' }), async (req, res) => {
  res.sendStatus(await whatsapp.handle_post(req));
});
serve(createServer(app));
