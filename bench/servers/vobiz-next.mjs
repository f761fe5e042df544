// Configuration 5b: the @vobiz-webhooks/next App Router handler, called the way Next.js
// calls it: a minimal node:http server turns each request into a Web Request.
import { createServer } from 'node:http';
import { importPackage } from '../lib/packages.mjs';
import { SECRET, countMessages, serve } from './common.mjs';

const { vobizWebhook } = await importPackage('next');
const { messagesOf } = await importPackage('core');

const POST = vobizWebhook({ secret: SECRET, on: { 'message.inbound': (event) => countMessages(messagesOf(event)) } });

const server = createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, {
    method: req.method,
    headers,
    ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
  });
  const response = await POST(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
serve(server);
