import {
  describeFormatsHostile,
  describeLegacyConformance,
  describeMetaConformance,
} from '@vobiz-webhooks/test-suites';
import { makeMetaNodeServerTarget, makeMetaRequestTarget, makeRequestTarget } from './support/target';

// Vobiz's earlier envelope through vobizWebhook, and Meta's Cloud API through metaWebhook
// (on `app.on(['GET', 'POST'])`, on `app.all`, and as middleware), each beside vobizWebhook.
describeLegacyConformance('Hono app.request(), app.all(path, vobizWebhook)', makeRequestTarget('handler'));
describeLegacyConformance('Hono app.request(), app.use(vobizMiddleware)', makeRequestTarget('middleware'));

describeMetaConformance(
  "Hono app.request(), app.on(['GET', 'POST'], path, metaWebhook)",
  makeMetaRequestTarget('routes'),
);
describeMetaConformance('Hono app.request(), app.all(path, metaWebhook)', makeMetaRequestTarget('handler'));
describeMetaConformance('Hono app.request(), app.use(metaMiddleware)', makeMetaRequestTarget('middleware'));
describeMetaConformance('Hono on @hono/node-server, app.all(path, metaWebhook)', makeMetaNodeServerTarget('handler'));

describeFormatsHostile(
  'Hono app.request(), app.all(path, …)',
  makeRequestTarget('handler'),
  makeMetaRequestTarget('handler'),
);
describeFormatsHostile(
  'Hono app.request(), app.use(…Middleware)',
  makeRequestTarget('middleware'),
  makeMetaRequestTarget('middleware'),
);
