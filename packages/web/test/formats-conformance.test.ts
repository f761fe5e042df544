import {
  describeFormatsHostile,
  describeLegacyConformance,
  describeMetaConformance,
} from '@vobiz-webhooks/test-suites';
import { makeWebMetaRouteTarget, makeWebMetaTarget, makeWebTarget } from './support/target';

// Vobiz's earlier envelope through vobizWebhook, and Meta's Cloud API through metaWebhook
// (a bare `fetch` checking its path) and metaRouteHandler (behind a router).
describeLegacyConformance('web handler', makeWebTarget);
describeMetaConformance('web handler (metaWebhook)', makeWebMetaTarget);
describeMetaConformance('web handler (metaRouteHandler)', makeWebMetaRouteTarget);
describeFormatsHostile('web handler', makeWebTarget, makeWebMetaTarget);
