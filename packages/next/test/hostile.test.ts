import { describeHostile } from '@vobiz-webhooks/test-suites';
import { makeNextTarget } from './support/target';

// The App Router handler with real `Request` objects (no HTTP hop), so it can afford more cases.
describeHostile('Next.js App Router (Node runtime)', makeNextTarget, { runs: 600 });
