import { describeLegacyConformance, describeMetaConformance } from '@vobiz-webhooks/test-suites';
import { makeWebMetaTarget, makeWebTarget } from './support/target';

// The same suites in the Edge runtime VM, where core is its Web Crypto build, as under the
// `workerd` and `worker` export conditions.
describeLegacyConformance('web handler (Web Crypto build)', makeWebTarget);
describeMetaConformance('web handler, metaWebhook (Web Crypto build)', makeWebMetaTarget);
