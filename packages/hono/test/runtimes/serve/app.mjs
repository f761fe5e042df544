// What every runtime serves: a Hono app with the built handlers on their routes, the same
// options as @vobiz-webhooks/web's runtime servers (imported from there), and the probe the
// shared checks read back.
import { Hono } from 'hono';
import { metaOptions, webhookOptions } from '../../../../web/test/runtimes/serve/app.mjs';

export { metaOptions, webhookOptions };

const PATH = '/webhooks/vobiz';
const META_PATH = '/webhooks/meta';

/**
 * `webhook` and `meta` are Hono handlers (`(c, next) => …`); `probe` answers `GET /seen`.
 * Deliveries go to `app.post`; `app.all` after it hands any other method to the same receiver,
 * which answers 405 with `Allow: POST` (on its own, `app.post` leaves them to Hono's 404).
 * Every other path gets the receivers' JSON refusal shape instead of Hono's plain-text 404.
 */
export function honoApp(webhook, meta, probe) {
  const app = new Hono();
  app.get('/seen', (c) => c.json(probe()));
  app.post(PATH, webhook);
  app.all(PATH, webhook);
  app.on(['GET', 'POST'], META_PATH, meta);
  app.notFound((c) =>
    c.json({ ok: false, error: { code: 'not_found', message: `Nothing is served at ${c.req.path}.` } }, 404),
  );
  return app;
}
