// Configuration 5b: the @vobiz-webhooks/next App Router handler, called the way Next.js
// calls it: a minimal node:http server turns each request into a Web Request.
import { importPackage } from '../lib/packages.mjs';
import { SECRET, countMessages, serve, webHandlerServer } from './common.mjs';

const { vobizWebhook } = await importPackage('next');
const { messagesOf } = await importPackage('core');

const POST = vobizWebhook({ secret: SECRET, on: { 'message.inbound': (event) => countMessages(messagesOf(event)) } });
serve(webHandlerServer(POST));
