// Cloudflare Workers (wrangler.toml). The secret is a binding (`wrangler secret put VOBIZ_WEBHOOK_SECRET`),
// known only once a request arrives, so the app is made on the first request and kept for the isolate.
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
