import {
  describeFormatsHostile,
  describeLegacyConformance,
  describeMetaConformance,
} from '@vobiz-webhooks/test-suites';
import { META_PATH, fastifyTarget, metaBesideVobiz, plain, plainMeta, prefixed, prefixedMeta } from './support/target';

// Vobiz's earlier envelope through vobizWebhook, and Meta's Cloud API through metaWebhook,
// mounted plainly, over HTTP, under a register prefix, and beside vobizWebhook.
const meta = { path: META_PATH };

describeLegacyConformance('Fastify (inject)', fastifyTarget(plain));
describeLegacyConformance('Fastify under a prefix', fastifyTarget(prefixed, { prefix: '/hooks' }));

describeMetaConformance('Fastify (inject)', fastifyTarget(plainMeta, meta));
describeMetaConformance('Fastify (HTTP)', fastifyTarget(plainMeta, { ...meta, http: true }));
describeMetaConformance('Fastify under a prefix', fastifyTarget(prefixedMeta, { ...meta, prefix: '/hooks' }));
describeMetaConformance('Fastify beside vobizWebhook', fastifyTarget(metaBesideVobiz, meta));

describeFormatsHostile('Fastify (inject)', fastifyTarget(plain), fastifyTarget(plainMeta, meta));
describeFormatsHostile(
  'Fastify under a prefix',
  fastifyTarget(prefixed, { prefix: '/hooks' }),
  fastifyTarget(prefixedMeta, { ...meta, prefix: '/hooks' }),
);
