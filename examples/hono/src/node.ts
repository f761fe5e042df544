// tsx src/node.ts (pnpm start): @hono/node-server. tsx reads this directory's tsconfig.json, which maps
// no paths, so the packages come from node_modules, built (`pnpm build`), as in a project of your own.
import { serve } from '@hono/node-server';
import { createApp } from './app';

const secret = process.env.VOBIZ_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret, e.g. VOBIZ_WEBHOOK_SECRET=… pnpm start');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

serve({ fetch: createApp({ secret }).app.fetch, port }, (info) => {
  console.log(`Hono example on Node: POST http://localhost:${info.port}/webhooks/vobiz (what arrived: GET /received)`);
});
