// Configuration 5a: @vobiz-webhooks/koa on a @koa/router route, defaults (in-memory dedupe).
import Router from '@koa/router';
import Koa from 'koa';
import { createServer } from 'node:http';
import { importPackage } from '../lib/packages.mjs';
import { PATHS, SECRET, countingHandlers, serve } from './common.mjs';

const { vobizWebhook } = await importPackage('koa');

const app = new Koa();
const router = new Router();
router.post(PATHS.vobiz, vobizWebhook({ secret: SECRET, on: await countingHandlers() }));
app.use(router.routes());
serve(createServer(app.callback()));
