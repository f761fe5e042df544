import { describeConformance } from '@vobiz-webhooks/test-suites';
import { makeNextTarget } from './support/target';

// The same suite inside Vercel's Edge runtime VM (the `edge` Jest project), where
// `@vobiz-webhooks/core` is its Web Crypto build, as under Next's `edge-light` condition.

/** Set by the Edge runtime (Vercel, Next.js `runtime = 'edge'`, the edge-runtime VM); absent in Node. */
declare const EdgeRuntime: string | undefined;

describe('the edge Jest project', () => {
  it('runs inside the Edge runtime VM, with the Web Crypto build of core', async () => {
    expect(typeof EdgeRuntime).toBe('string');
    const core = await import('@vobiz-webhooks/core');
    // The edge entry's sync signer refuses: proof this is not the node:crypto build.
    expect(() => core.signPayload('{}', 'whsec_x')).toThrow(/signPayloadAsync/);
  });
});

describeConformance('Next.js App Router (Edge runtime)', makeNextTarget);
