/* global Deno */
// `deno run deno.mjs`: Deno.serve on a free port, printing it for the test.
import { vobizWebhook } from '../../../dist/index.js';
import { webhookOptions, withProbe } from './app.mjs';

const seen = [];
const webhook = vobizWebhook(webhookOptions(Deno.env.get('VOBIZ_WEBHOOK_SECRET'), seen));
Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`listening ${port}`) },
  withProbe(webhook, () => ({ seen })),
);
