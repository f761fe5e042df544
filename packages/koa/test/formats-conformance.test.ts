import {
  describeFormatsHostile,
  describeLegacyConformance,
  describeMetaConformance,
} from '@vobiz-webhooks/test-suites';
import { makeKoaMetaTarget, makeKoaTarget } from './support/target';

// The shared suites of the formats beside Vobiz's current envelope, through real Koa apps:
// Vobiz's earlier envelope through vobizWebhook, Meta's Cloud API through metaWebhook.
// router.all, as in conformance.test.ts: every method reaches the pipeline, which
// answers Meta's GET handshake and its own JSON 405.
for (const koa of [3, 2] as const) {
  describeLegacyConformance(`Koa ${koa}, app.use at the root`, makeKoaTarget({ koa }));
  describeLegacyConformance(`Koa ${koa}, @koa/router route`, makeKoaTarget({ koa, mount: 'router.all' }));

  describeMetaConformance(`Koa ${koa}, app.use at the root`, makeKoaMetaTarget({ koa }));
  describeMetaConformance(`Koa ${koa}, @koa/router route`, makeKoaMetaTarget({ koa, mount: 'router.all' }));

  describeFormatsHostile(`Koa ${koa}, app.use at the root`, makeKoaTarget({ koa }), makeKoaMetaTarget({ koa }));
  describeFormatsHostile(
    `Koa ${koa}, @koa/router route`,
    makeKoaTarget({ koa, mount: 'router.all' }),
    makeKoaMetaTarget({ koa, mount: 'router.all' }),
  );
}
