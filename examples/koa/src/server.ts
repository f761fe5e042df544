import { createApp } from './app';

const secret = process.env.VOBIZ_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret, e.g. VOBIZ_WEBHOOK_SECRET=… pnpm start');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

const { app } = createApp({ secret });
const server = app.listen(port, () => {
  const address = server.address();
  const listening = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`Koa example: POST http://localhost:${listening}/webhooks/vobiz (what arrived: GET /received)`);
});
