import { describeConformance } from '../../core/test/support/conformance';
import { makeNextTarget } from './support/target';

// The shared status table, payload, dedupe and secret suite, through the App Router
// handler on the Node.js runtime (core's `node:crypto` build).
describeConformance('Next.js App Router (Node.js runtime)', makeNextTarget);
