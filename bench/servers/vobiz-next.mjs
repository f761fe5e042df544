// Configuration 5b: the @vobiz-webhooks/next App Router handler, called the way Next.js
// calls it: a minimal node:http server turns each request into a Web Request.
import { importPackage } from '../lib/packages.mjs';
import { SECRET, countingHandlers, serve, webHandlerServer } from './common.mjs';

const { vobizWebhook } = await importPackage('next');

const POST = vobizWebhook({ secret: SECRET, on: await countingHandlers() });
serve(webHandlerServer(POST));
