// Configuration 6: @octokit/webhooks createNodeMiddleware, mounted in Express like configuration 3.
import { Webhooks, createNodeMiddleware } from '@octokit/webhooks';
import express from 'express';
import { createServer } from 'node:http';
import { PATHS, SECRET, countMessages, serve } from './common.mjs';

const webhooks = new Webhooks({ secret: SECRET });
webhooks.on('issues.opened', ({ payload }) => countMessages(payload.issue.labels));

const app = express();
app.use(createNodeMiddleware(webhooks, { path: PATHS.octokit }));
serve(createServer(app));
