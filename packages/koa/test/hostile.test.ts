import { describeHostile } from '@vobiz-webhooks/test-suites';
import { makeKoaTarget } from './support/target';

// At the root, so every method reaches the pipeline and gets its JSON answer (a
// router.post route leaves other methods to allowedMethods). Volume is in the core suite.
describeHostile('Koa 3, app.use at the root', makeKoaTarget({ koa: 3 }), { runs: 300 });
describeHostile('Koa 2, @koa/router route', makeKoaTarget({ koa: 2, mount: 'router.all' }), { runs: 150 });
