// An Express app in its own process for ../answered-elsewhere.test.ts, where an escaped
// throw really ends the process (Jest would catch it in its own):
//   node --import tsx packages/express/test/support/answered-elsewhere-server.ts
// Env: SECRET. A timeout middleware answers 503 after 100 ms; the handler takes 300 ms.
// Prints {"port":N} when listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { vobizWebhook } from '@vobiz-webhooks/express';

const { SECRET } = process.env;
if (!SECRET) throw new Error('answered-elsewhere-server: SECRET is required');

const app = express()
  .use((_req, res, next) => {
    const timer = setTimeout(() => void res.status(503).end('timed out'), 100);
    res.on('close', () => clearTimeout(timer));
    next();
  })
  .use(
    vobizWebhook({
      secret: SECRET,
      logger: false,
      on: { '*': () => new Promise((resolve) => setTimeout(resolve, 300)) },
    }),
  );

const server = createServer(app);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
