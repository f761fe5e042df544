// `@vobiz-webhooks/fastify`: the Fastify 5 plugin, and core's types under the same name.
export { vobizWebhook, type VobizFastifyOptions } from './plugin';

export type * from '@vobiz-webhooks/core';
