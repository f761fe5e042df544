import { createApp } from './app';

const secret = process.env.VOBIZ_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret, e.g. VOBIZ_WEBHOOK_SECRET=… pnpm start');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

// No top-level await: this package is CommonJS, as Nest's own tooling expects.
void createApp({ secret }).then(async (app) => {
  await app.listen(port);
  console.log(`NestJS example: POST http://localhost:${port}/webhooks/vobiz (what arrived: GET /received)`);
});
