import {
  describeFormatsHostile,
  describeLegacyConformance,
  describeMetaConformance,
} from '@vobiz-webhooks/test-suites';
import {
  makeConnectMetaTarget,
  makeConnectTarget,
  makeExpress4MetaTarget,
  makeExpress4Target,
  makeExpressMetaTarget,
  makeExpressRouteMetaTarget,
  makeExpressTarget,
} from './support/target';

// The shared suites of the formats beside Vobiz's current envelope, through real apps:
// Vobiz's earlier envelope through vobizWebhook, Meta's Cloud API through metaWebhook.
describeLegacyConformance('Express 5', makeExpressTarget);
describeLegacyConformance('Express 4', makeExpress4Target);
describeLegacyConformance('Connect', makeConnectTarget);

describeMetaConformance('Express 5, app.use at the root', makeExpressMetaTarget);
describeMetaConformance('Express 5, app.all route', makeExpressRouteMetaTarget);
describeMetaConformance('Express 4, app.use at the root', makeExpress4MetaTarget);
describeMetaConformance('Connect, app.use at the root', makeConnectMetaTarget);

describeFormatsHostile('Express 5', makeExpressTarget, makeExpressMetaTarget);
describeFormatsHostile('Express 4', makeExpress4Target, makeExpress4MetaTarget);
describeFormatsHostile('Connect', makeConnectTarget, makeConnectMetaTarget);
