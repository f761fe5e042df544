// bun run src/bun.ts (pnpm start:bun). Bun reads this directory's tsconfig.json, which maps no
// paths, so the packages come from node_modules, built (`pnpm build`), as in a project of your own.
import { createApp } from './app';

// Only what this file uses, so the repository's Node type-check needs no Bun typings.
declare const Bun: {
  serve(options: { port: number; fetch: (request: Request) => Response | Promise<Response> }): { port: number };
};

const secret = process.env.VOBIZ_WEBHOOK_SECRET;
if (!secret) throw new Error('Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret.');

const server = Bun.serve({ port: Number(process.env.PORT ?? 3000), fetch: createApp({ secret }).app.fetch });
console.log(`Hono example on Bun: POST http://localhost:${server.port}/webhooks/vobiz (what arrived: GET /received)`);
