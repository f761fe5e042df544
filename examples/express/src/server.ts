import { createApp } from './app';

const secret = process.env.VOBIZ_WEBHOOK_SECRET;
if (!secret) {
  console.error(
    'Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret (e.g. VOBIZ_WEBHOOK_SECRET=whsec_dev pnpm start).',
  );
  process.exit(1);
}

// Meta's Cloud API directly is optional: both of its settings, or neither.
const { META_APP_SECRET: appSecret, META_VERIFY_TOKEN: verifyToken } = process.env;
if (!appSecret !== !verifyToken) {
  console.error('Set both META_APP_SECRET and META_VERIFY_TOKEN to receive from Meta directly, or neither.');
  process.exit(1);
}
const meta = appSecret && verifyToken ? { appSecret, verifyToken } : undefined;
const port = Number(process.env.PORT ?? 3000);

createApp({ secret, ...(meta && { meta }) }).listen(port, () => {
  console.log(`Receiving Vobiz webhooks on http://localhost:${port}/webhooks/vobiz`);
  console.log(
    meta
      ? `Receiving Meta's Cloud API on http://localhost:${port}/webhooks/meta (the callback URL in Meta's dashboard)`
      : "Meta's Cloud API route is off: set META_APP_SECRET and META_VERIFY_TOKEN to mount /webhooks/meta",
  );
  console.log(
    `Try: npx @vobiz-webhooks/cli send http://localhost:${port}/webhooks/vobiz --type all (with the same VOBIZ_WEBHOOK_SECRET)`,
  );
});
