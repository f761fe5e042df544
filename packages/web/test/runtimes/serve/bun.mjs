/* global Bun */
// `bun bun.mjs`: Bun.serve on a free port, printing it for the test.
import { vobizWebhook } from '../../../dist/index.js';
import { webhookOptions, withProbe } from './app.mjs';

const seen = [];
const webhook = vobizWebhook(webhookOptions(process.env.VOBIZ_WEBHOOK_SECRET, seen));
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: withProbe(webhook, () => ({ seen })) });
console.log(`listening ${server.port}`);
