// `@vobiz-webhooks/web`: the Fetch API handler for Bun, Deno, Cloudflare Workers and any
// router that hands over a `Request`. Nothing here imports a `node:` module;
// `@vobiz-webhooks/core` resolves to its Web Crypto build under the `workerd`, `worker`
// and `edge-light` export conditions.

// Handlers
export { vobizWebhook, vobizRouteHandler, metaWebhook, metaRouteHandler } from './fetch-handler';
export type {
  MetaOptionsFromEnv,
  UntypedEnv,
  VobizEnvFetchHandler,
  VobizFetchHandler,
  VobizOptionsFromEnv,
} from './fetch-handler';

// The options, events and payload types, as every adapter re-exports them
export type * from '@vobiz-webhooks/core';
