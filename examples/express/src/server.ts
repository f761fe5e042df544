import { createApp } from './app';

const secret = process.env.VOBIZ_WEBHOOK_SECRET;
if (!secret) {
  console.error(
    'Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret (e.g. VOBIZ_WEBHOOK_SECRET=whsec_dev pnpm start).',
  );
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

createApp({ secret }).listen(port, () => {
  console.log(`Receiving Vobiz webhooks on http://localhost:${port}/webhooks/vobiz`);
  console.log(
    `Try: npx @vobiz-webhooks/cli send http://localhost:${port}/webhooks/vobiz --type all (with the same VOBIZ_WEBHOOK_SECRET)`,
  );
});
