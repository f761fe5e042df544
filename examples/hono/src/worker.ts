// Cloudflare Workers (wrangler.toml; pnpm dev:workers). The secret is a binding (`wrangler secret put
// VOBIZ_WEBHOOK_SECRET`, or .dev.vars locally), known only once a request arrives, so the app and its
// options are built from `env` on the first request and kept for the isolate: one receiver, whose
// in-memory dedupe then sees every delivery that isolate gets.
import { createApp } from './app';

interface Env {
  VOBIZ_WEBHOOK_SECRET: string;
}

let app: ReturnType<typeof createApp>['app'] | undefined;

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    app ??= createApp({ secret: env.VOBIZ_WEBHOOK_SECRET }).app;
    return app.fetch(request, env);
  },
};
