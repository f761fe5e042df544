import { describeConformance } from '@vobiz-webhooks/test-suites';
import { makeNodeServerTarget, makeRequestTarget } from './support/target';

describeConformance('Hono app.request(), app.all(path, vobizWebhook)', makeRequestTarget('handler'));
describeConformance('Hono app.request(), app.use(vobizMiddleware)', makeRequestTarget('middleware'));
describeConformance('Hono on @hono/node-server, app.all(path, vobizWebhook)', makeNodeServerTarget('handler'));
describeConformance('Hono on @hono/node-server, app.use(vobizMiddleware)', makeNodeServerTarget('middleware'));
