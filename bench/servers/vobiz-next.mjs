// Configuration 5b: the @vobiz-webhooks/next App Router handler, called the way Next.js
// calls it: a minimal node:http server turns each request into a Web Request.
import { createServer } from 'node:http';
import { importPackage } from '../lib/packages.mjs';
import { SECRET, countMessages, serve } from './common.mjs';

const { vobizWebhook } = await importPackage('next');
const { messagesOf } = await importPackage('core');

const POST = vobizWebhook({ secret: SECRET, on: { 'message.inbound': (event) => countMessages(messagesOf(event)) } });

/** The body as Next.js hands it over: all of it, then the handler runs. */
const readAll = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', reject);
  });

const server = createServer(async (req, res) => {
  const body = await readAll(req);
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, {
    method: req.method,
    headers,
    ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
  });
  const response = await POST(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(await response.text());
});
serve(server);
