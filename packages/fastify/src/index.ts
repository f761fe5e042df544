// `@vobiz-webhooks/fastify`: the Fastify 5 plugins (Vobiz's webhooks, and Meta's Cloud API received
// directly), and core's types under the same name.
export { metaWebhook, vobizWebhook, type MetaFastifyOptions, type VobizFastifyOptions } from './plugin';

export type * from '@vobiz-webhooks/core';
