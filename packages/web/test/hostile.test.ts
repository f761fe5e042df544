import { describeHostile } from '@vobiz-webhooks/test-suites';
import { makeWebTarget } from './support/target';

// Real `Request` objects with no HTTP hop, so it can afford many cases.
describeHostile('web handler', makeWebTarget, { runs: 200 });
