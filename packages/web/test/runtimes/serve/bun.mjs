/* global Bun */
// `bun bun.mjs`: Bun.serve on a free port, printing it for the test.
import { metaWebhook, vobizWebhook } from '../../../dist/index.js';
import { metaOptions, webhookOptions, withProbe } from './app.mjs';

const seen = [];
const webhook = vobizWebhook(webhookOptions(process.env.VOBIZ_WEBHOOK_SECRET, seen));
const meta = metaWebhook(metaOptions(process.env.META_APP_SECRET, process.env.META_VERIFY_TOKEN, seen));
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: withProbe(webhook, meta, () => ({ seen })) });
console.log(`listening ${server.port}`);
