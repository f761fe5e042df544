import { describeHostile } from '@vobiz-webhooks/test-suites';
import { besideRawBody, fastifyTarget, plain, prefixed } from './support/target';

// Over a real socket, Node's parser sees what a hand-written client sends; inject skips it and is fast.
describeHostile('Fastify (HTTP)', fastifyTarget(plain, { http: true }), { runs: 1000 });
describeHostile('Fastify under a prefix (inject)', fastifyTarget(prefixed, { path: '/hooks/webhooks/vobiz' }), {
  runs: 1000,
});
describeHostile('Fastify beside fastify-raw-body (HTTP)', fastifyTarget(besideRawBody(true), { http: true }), {
  runs: 300,
});
