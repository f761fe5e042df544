/* global Bun */
// `bun bun.mjs`: the Hono app's `fetch` under Bun.serve on a free port, printing it for the test.
import { metaWebhook, vobizWebhook } from '../../../dist/index.js';
import { honoApp, metaOptions, webhookOptions } from './app.mjs';

const seen = [];
const webhook = vobizWebhook(webhookOptions(process.env.VOBIZ_WEBHOOK_SECRET, seen));
const meta = metaWebhook(metaOptions(process.env.META_APP_SECRET, process.env.META_VERIFY_TOKEN, seen));
const app = honoApp(webhook, meta, () => ({ seen }));
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
console.log(`listening ${server.port}`);
