import { describeHostile } from '../../core/test/property/support/hostile-suite';
import { makeNextTarget } from './support/target';

// The App Router handler with real `Request` objects (no HTTP hop), so it can afford more cases.
describeHostile('Next.js App Router (Node runtime)', makeNextTarget, { runs: 600 });
