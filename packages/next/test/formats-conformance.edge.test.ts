import {
  describeFormatsHostile,
  describeLegacyConformance,
  describeMetaConformance,
} from '@vobiz-webhooks/test-suites';
import { makeNextMetaTarget, makeNextTarget } from './support/target';

// The same suites inside Vercel's Edge runtime VM (the `edge` Jest project), where
// `@vobiz-webhooks/core` is its Web Crypto build, as under Next's `edge-light` condition.
describeLegacyConformance('Next.js App Router (Edge runtime)', makeNextTarget);
describeMetaConformance('Next.js App Router (Edge runtime)', makeNextMetaTarget);
describeFormatsHostile('Next.js App Router (Edge runtime)', makeNextTarget, makeNextMetaTarget);
