import Router from '@koa/router';
import Koa from 'koa';
import Koa2 from 'koa2';
import mount from 'koa-mount';
import { expectTypeOf } from 'expect-type';
import type { CallEvent, MessageInboundEvent, MessageStatusEvent, VobizEvent } from '@vobiz-webhooks/koa';
import { vobizWebhook } from '@vobiz-webhooks/koa';

// Compile-time checks (`pnpm typecheck`): the middleware fits Koa 2 and 3 apps, @koa/router
// routes and koa-mount with no cast, and each handler's event is typed by its key. The
// runtime assertions keep Jest honest that the mounts were accepted.
describe('types', () => {
  it('mounts without casts on Koa 3, Koa 2, @koa/router and koa-mount', () => {
    const webhook = vobizWebhook({ secret: 'types-secret', logger: false, on: {} });
    const router = new Router();
    router.post('/webhooks/vobiz', webhook);
    router.all('/webhooks/vobiz-all', webhook);
    const koa3 = new Koa().use(webhook).use(router.routes()).use(mount('/hooks', webhook));
    const koa2 = new Koa2().use(webhook).use(router.routes());
    // Koa's own types, and a Koa context handed over by a function of the app's.
    const typed: Koa.Middleware = webhook;
    router.post('/webhooks/wrapped', async (ctx, next) => webhook(ctx, next));
    koa3.use(async (ctx: Koa.Context, next) => webhook(ctx, next));

    expect(typed).toBe(webhook);
    expect(koa3.middleware).toHaveLength(4);
    expect(koa2.middleware).toHaveLength(2);
    expect(router.stack.map((layer) => layer.path)).toEqual([
      '/webhooks/vobiz',
      '/webhooks/vobiz-all',
      '/webhooks/wrapped',
    ]);
  });

  it('types each handler by its key, and rejects a misspelled key', () => {
    const webhook = vobizWebhook({
      secret: 'types-secret',
      on: {
        'message.inbound': (event) => expectTypeOf(event).toEqualTypeOf<MessageInboundEvent>(),
        'message.status': (event) => expectTypeOf(event).toEqualTypeOf<MessageStatusEvent>(),
        'call.connect': (event) => expectTypeOf(event).toEqualTypeOf<CallEvent>(),
        'call.*': (event) => expectTypeOf(event).toEqualTypeOf<CallEvent>(),
        '*': (event) => expectTypeOf(event).toEqualTypeOf<VobizEvent>(),
      },
    });
    // @ts-expect-error 'message.recieved' is not an event type
    vobizWebhook({ secret: 'types-secret', on: { 'message.recieved': () => undefined } });

    expect(typeof webhook).toBe('function');
  });
});
