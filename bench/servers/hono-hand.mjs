// Configurations 10h and 10j: configuration 10's work written by hand on Hono: c.req.arrayBuffer(),
// then the Vobiz docs' check and JSON.parse (servers/common.mjs), 200 (10j: with the library's
// answer, servers/common.mjs `ANSWER`).
import { ANSWER, PATHS, handleEvent, serveHono, verifiedEvent } from './common.mjs';

serveHono((app) =>
  app.post(PATHS.vobiz, async (c) => {
    const event = verifiedEvent(c.req.header('x-webhook-signature'), Buffer.from(await c.req.arrayBuffer()));
    if (event === undefined) return c.body(null, 401);
    handleEvent(event);
    return ANSWER.body === null ? c.body(null, 200) : c.body(ANSWER.body, 200, ANSWER.headers);
  }),
);
