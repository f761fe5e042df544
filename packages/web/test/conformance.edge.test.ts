import { describeConformance } from '@vobiz-webhooks/test-suites';
import { makeWebTarget } from './support/target';

// The same suite in the Edge runtime VM, where core is its Web Crypto build, as under
// the `workerd` and `worker` export conditions.
describeConformance('web handler (Web Crypto build)', makeWebTarget);
