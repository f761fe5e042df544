import { describeHostile } from '@vobiz-webhooks/test-suites';
import { makeNextTarget } from './support/target';

// The same hostile cases inside Vercel's Edge runtime VM: Web Crypto verification
// (crypto.subtle.verify) and readWebBody instead of node:crypto and raw-body.
describeHostile('Next.js App Router (Edge runtime)', makeNextTarget, { runs: 400 });
