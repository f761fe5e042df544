// deno run --allow-net --allow-env --sloppy-imports src/deno.ts (Deno 2 reads package.json and node_modules).
import { createApp } from './app';

// Only what this file uses, so the repository's Node type-check needs no Deno typings.
declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(options: { port: number }, handler: (request: Request) => Response | Promise<Response>): unknown;
};

const secret = Deno.env.get('VOBIZ_WEBHOOK_SECRET');
if (!secret) throw new Error('Set VOBIZ_WEBHOOK_SECRET to your Vobiz subscription secret.');

Deno.serve({ port: Number(Deno.env.get('PORT') ?? 3000) }, createApp({ secret }).app.fetch);
