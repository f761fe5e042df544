import { buildApp } from './app';

const secret = process.env.VOBIZ_WEBHOOK_SECRET;
if (!secret) {
  console.error(
    'Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret (e.g. VOBIZ_WEBHOOK_SECRET=whsec_dev pnpm start).',
  );
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);

const app = await buildApp({ secret, fastify: { logger: true } });
await app.listen({ port, host: '127.0.0.1' });
app.log.info(`Try: pnpm vobiz-webhooks send http://localhost:${port}/webhooks/vobiz --type all (same secret)`);
