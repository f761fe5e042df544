import { describeConformance } from '@vobiz-webhooks/test-suites';
import { besideRawBody, fastifyTarget, plain, prefixed } from './support/target';

describeConformance('Fastify (inject)', fastifyTarget(plain));
describeConformance('Fastify (HTTP)', fastifyTarget(plain, { http: true }));
describeConformance('Fastify under a prefix', fastifyTarget(prefixed, { path: '/hooks/webhooks/vobiz' }));
describeConformance('Fastify beside fastify-raw-body (global)', fastifyTarget(besideRawBody(true)));
describeConformance('Fastify beside fastify-raw-body (per route)', fastifyTarget(besideRawBody(false)));
