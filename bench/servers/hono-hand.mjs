// Configuration 10h: configuration 10's work written by hand on Hono: c.req.arrayBuffer(), then
// the Vobiz docs' check and JSON.parse (servers/common.mjs), 200.
import { PATHS, handleEvent, serveHono, verifiedEvent } from './common.mjs';

serveHono((app) =>
  app.post(PATHS.vobiz, async (c) => {
    const event = verifiedEvent(c.req.header('x-webhook-signature'), Buffer.from(await c.req.arrayBuffer()));
    if (event === undefined) return c.body(null, 401);
    handleEvent(event);
    return c.body(null, 200);
  }),
);
