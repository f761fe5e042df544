import { describeHostile } from '@vobiz-webhooks/test-suites';
import { makeNodeServerTarget, makeRequestTarget } from './support/target';

// In process, app.request() affords more cases; over HTTP supertest opens a server per request.
describeHostile('Hono app.request()', makeRequestTarget('handler'), { runs: 600 });
describeHostile('Hono app.request(), middleware', makeRequestTarget('middleware'), { runs: 300 });
describeHostile('Hono on @hono/node-server', makeNodeServerTarget('middleware'), { runs: 300 });
