// Configuration 9: @vobiz-webhooks/fastify registered on a Fastify 5 app, defaults
// (in-memory dedupe, the app's logger, which is off).
import { importPackage } from '../lib/packages.mjs';
import { SECRET, countingHandlers, serveFastify } from './common.mjs';

const { vobizWebhook } = await importPackage('fastify');
const on = await countingHandlers();

await serveFastify((app) => app.register(vobizWebhook, { secret: SECRET, on }));
