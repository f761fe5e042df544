// Configuration 10: @vobiz-webhooks/hono's vobizWebhook on a Hono route, on @hono/node-server,
// defaults (in-memory dedupe).
import { importPackage } from '../lib/packages.mjs';
import { PATHS, SECRET, countingHandlers, serveHono } from './common.mjs';

const { vobizWebhook } = await importPackage('hono');
const on = await countingHandlers();

serveHono((app) => app.post(PATHS.vobiz, vobizWebhook({ secret: SECRET, on })));
