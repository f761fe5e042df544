import { describeConformance } from '@vobiz-webhooks/test-suites';
import { makeNextTarget } from './support/target';

// The shared status table, payload, dedupe and secret suite, through the App Router
// handler on the Node.js runtime (core's `node:crypto` build).
describeConformance('Next.js App Router (Node.js runtime)', makeNextTarget);
