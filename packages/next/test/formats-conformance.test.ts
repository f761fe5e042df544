import {
  describeFormatsHostile,
  describeLegacyConformance,
  describeMetaConformance,
} from '@vobiz-webhooks/test-suites';
import { makePagesMetaTarget, makePagesTarget } from './support/pages-target';
import { makeNextMetaTarget, makeNextTarget } from './support/target';

// The shared suites of the formats beside Vobiz's current envelope: Vobiz's earlier
// envelope through vobizWebhook, Meta's Cloud API through metaWebhook, on the App Router
// (Node.js runtime; the Edge runtime in formats-conformance.edge.test.ts) and the Pages
// Router behind a real HTTP server.
describeLegacyConformance('Next.js App Router (Node.js runtime)', makeNextTarget);
describeLegacyConformance('Next.js Pages Router', makePagesTarget);

describeMetaConformance('Next.js App Router (Node.js runtime)', makeNextMetaTarget);
describeMetaConformance('Next.js Pages Router', makePagesMetaTarget);

describeFormatsHostile('Next.js App Router (Node.js runtime)', makeNextTarget, makeNextMetaTarget);
describeFormatsHostile('Next.js Pages Router', makePagesTarget, makePagesMetaTarget);
