import { describeConformance } from '@vobiz-webhooks/test-suites';
import { makeWebTarget } from './support/target';

// The shared status table, payload, dedupe and secret suite, through the bare `fetch`
// handler on Node (core's `node:crypto` build, as Bun and Deno resolve it).
describeConformance('web handler', makeWebTarget);
