import { describeConformance } from '@vobiz-webhooks/test-suites';
import { makeKoaTarget } from './support/target';

// The shared status table, payload, dedupe and secret suite, through real Koa apps.
// router.all rather than router.post: the suite checks the pipeline's own 405 for GET,
// which a router.post route never sees (allowedMethods answers it; see mounting.test.ts).
describeConformance('Koa 3, app.use at the root', makeKoaTarget({ koa: 3 }));
describeConformance('Koa 3, @koa/router route', makeKoaTarget({ koa: 3, mount: 'router.all' }));
describeConformance('Koa 2, app.use at the root', makeKoaTarget({ koa: 2 }));
describeConformance('Koa 2, @koa/router route', makeKoaTarget({ koa: 2, mount: 'router.all' }));
