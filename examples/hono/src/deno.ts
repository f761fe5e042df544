// deno run --allow-net --allow-env --sloppy-imports src/deno.ts (pnpm start:deno). Deno 2 reads
// package.json and resolves the packages from node_modules, built (`pnpm build`); --sloppy-imports
// lets `./app` stay extensionless, as Node and Bun import it.
import { createApp } from './app';

// Only what this file uses, so the repository's Node type-check needs no Deno typings.
declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(
    options: { port: number; onListen: (address: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

const secret = Deno.env.get('VOBIZ_WEBHOOK_SECRET');
if (!secret) throw new Error('Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret.');

Deno.serve(
  {
    port: Number(Deno.env.get('PORT') ?? 3000),
    onListen: ({ port }) =>
      console.log(`Hono example on Deno: POST http://localhost:${port}/webhooks/vobiz (what arrived: GET /received)`),
  },
  createApp({ secret }).app.fetch,
);
