// Compile-time checks only (`pnpm typecheck`; Jest never runs this file): metaWebhook fits Fastify's
// plugin conventions as vobizWebhook does, and its handlers are typed by key.
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { expectTypeOf } from 'expect-type';
import type { EventQueue, MessageInboundEvent, MetaWebhookOptions, VobizEvent } from '@vobiz-webhooks/fastify';
import { metaWebhook, vobizWebhook, type MetaFastifyOptions } from '@vobiz-webhooks/fastify';

declare const queue: EventQueue;
const app = Fastify();

expectTypeOf(metaWebhook).toEqualTypeOf<FastifyPluginAsync<MetaFastifyOptions>>();
expectTypeOf<MetaFastifyOptions>().toMatchTypeOf<MetaWebhookOptions>();

// The one-line mount, with Fastify's register options beside ours, queue mode, and both plugins in one app.
void app.register(metaWebhook, { appSecret: 'app-secret', verifyToken: 'verify', on: {} });
void app.register(metaWebhook, {
  appSecret: ['old', 'new'],
  verifyToken: 'verify',
  on: {},
  path: '/meta',
  prefix: '/hooks',
  logLevel: 'warn',
});
void app.register(metaWebhook, { appSecret: 'app-secret', verifyToken: 'verify', queue, logger: app.log });
void app.register(vobizWebhook, { secret: 'whsec', on: {} });

void app.register(metaWebhook, {
  appSecret: 'app-secret',
  verifyToken: 'verify',
  on: {
    'message.inbound': (event) => expectTypeOf(event).toEqualTypeOf<MessageInboundEvent>(),
    '*': (event) => expectTypeOf(event).toEqualTypeOf<VobizEvent>(),
  },
});

// @ts-expect-error the verify token is required
void app.register(metaWebhook, { appSecret: 'app-secret', on: {} });
// @ts-expect-error metaWebhook takes the App Secret, not a Vobiz secret
void app.register(metaWebhook, { secret: 'whsec', verifyToken: 'verify', on: {} });
// @ts-expect-error handlers belong to the worker in queue mode
void app.register(metaWebhook, { appSecret: 'app-secret', verifyToken: 'verify', queue, on: {} });
