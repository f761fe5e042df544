/* global Deno */
// `deno run deno.mjs`: the Hono app's `fetch` under Deno.serve on a free port, printing it for the test.
import { metaWebhook, vobizWebhook } from '../../../dist/index.js';
import { honoApp, metaOptions, webhookOptions } from './app.mjs';

const seen = [];
const webhook = vobizWebhook(webhookOptions(Deno.env.get('VOBIZ_WEBHOOK_SECRET'), seen));
const meta = metaWebhook(metaOptions(Deno.env.get('META_APP_SECRET'), Deno.env.get('META_VERIFY_TOKEN'), seen));
const app = honoApp(webhook, meta, () => ({ seen }));
Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`listening ${port}`) }, app.fetch);
