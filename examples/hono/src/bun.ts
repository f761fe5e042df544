// bun run src/bun.ts: Bun serves the default export's fetch.
import { createApp } from './app';

const secret = process.env.VOBIZ_WEBHOOK_SECRET;
if (!secret) throw new Error('Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret.');

export default { port: Number(process.env.PORT ?? 3000), fetch: createApp({ secret }).app.fetch };
