// Configuration 6w: @octokit/webhooks `createWebMiddleware`, its Fetch API handler, called
// through the same node:http → Web Request bridge as configuration 5b: the like-for-like
// peer of a Next.js route handler.
import { Webhooks, createWebMiddleware } from '@octokit/webhooks';
import { PATHS, SECRET, countMessages, serve, webHandlerServer } from './common.mjs';

const webhooks = new Webhooks({ secret: SECRET });
webhooks.on('issues.opened', ({ payload }) => countMessages(payload.issue.labels));

serve(webHandlerServer(createWebMiddleware(webhooks, { path: PATHS.octokit })));
