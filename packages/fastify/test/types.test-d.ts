// Compile-time checks only (`pnpm typecheck`; Jest never runs this file): the plugin fits Fastify's
// plugin conventions, register accepts its options with Fastify's own, and handlers are typed by key.
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { expectTypeOf } from 'expect-type';
import type {
  CallEvent,
  EventQueue,
  MessageInboundEvent,
  MessageStatusEvent,
  VobizEvent,
  VobizWebhookOptions,
} from '@vobiz-webhooks/fastify';
import { vobizWebhook, type VobizFastifyOptions } from '@vobiz-webhooks/fastify';

declare const queue: EventQueue;
const app = Fastify();

expectTypeOf(vobizWebhook).toEqualTypeOf<FastifyPluginAsync<VobizFastifyOptions>>();
expectTypeOf<VobizFastifyOptions>().toMatchTypeOf<VobizWebhookOptions>();

// The one-line mount, with Fastify's register options beside ours, and queue mode.
void app.register(vobizWebhook, { secret: 'whsec', on: {} });
void app.register(vobizWebhook, { secret: ['old', 'new'], on: {}, path: '/vobiz', prefix: '/hooks', logLevel: 'warn' });
void app.register(vobizWebhook, { secret: 'whsec', queue, logger: app.log });
void app.register(vobizWebhook, { secret: 'whsec', on: {}, logger: false, maxBodyBytes: 64 * 1024 });

// Each handler's event is typed by its key.
void app.register(vobizWebhook, {
  secret: 'whsec',
  on: {
    'message.inbound': (event) => expectTypeOf(event).toEqualTypeOf<MessageInboundEvent>(),
    'message.status': async (event) => expectTypeOf(event).toEqualTypeOf<MessageStatusEvent>(),
    'call.connect': (event) => expectTypeOf(event).toEqualTypeOf<CallEvent>(),
    'call.*': (event) => expectTypeOf(event).toEqualTypeOf<CallEvent>(),
    '*': (event) => expectTypeOf(event).toEqualTypeOf<VobizEvent>(),
  },
});

// @ts-expect-error the secret is required
void app.register(vobizWebhook, { on: {} });
// @ts-expect-error 'message.recieved' is not an event type
void app.register(vobizWebhook, { secret: 'whsec', on: { 'message.recieved': () => undefined } });
// @ts-expect-error handlers belong to the worker in queue mode
void app.register(vobizWebhook, { secret: 'whsec', queue, on: {} });
// @ts-expect-error a logger needs warn and error
void app.register(vobizWebhook, { secret: 'whsec', on: {}, logger: { info: () => undefined } });
