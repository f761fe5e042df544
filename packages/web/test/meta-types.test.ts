import { expectTypeOf } from 'expect-type';
import type { MessageInboundEvent, MetaWebhookOptions } from '@vobiz-webhooks/web';
import {
  metaRouteHandler,
  metaWebhook,
  type MetaOptionsFromEnv,
  type VobizEnvFetchHandler,
  type VobizFetchHandler,
} from '@vobiz-webhooks/web';

// Compile-time checks (`pnpm typecheck`), with runtime assertions that keep Jest honest.
describe('metaWebhook types', () => {
  it('is a plain Fetch API handler given options, and a Workers fetch given a function of env', () => {
    const options: MetaWebhookOptions = { appSecret: 'app-secret', verifyToken: 'verify', logger: false, on: {} };
    const bare = metaWebhook(options);
    expectTypeOf(bare).toEqualTypeOf<(request: Request) => Promise<Response>>();
    expectTypeOf(metaRouteHandler(options)).toEqualTypeOf<VobizFetchHandler>();

    interface Env {
      META_APP_SECRET: string;
      META_VERIFY_TOKEN: string;
    }
    const fromEnv: MetaOptionsFromEnv<Env> = (env) => ({
      appSecret: env.META_APP_SECRET,
      verifyToken: env.META_VERIFY_TOKEN,
      on: {},
    });
    const worker = metaWebhook(fromEnv);
    expectTypeOf(worker).toEqualTypeOf<VobizEnvFetchHandler<Env>>();
    // @ts-expect-error the env must be the Env the factory takes
    void (() => worker(new Request('http://x'), { META_APP_SECRET: 's' }));
    expect(bare).toBeInstanceOf(Function);
    expect(worker).toBeInstanceOf(Function);
  });

  it('types handlers by key, with an unannotated env of string bindings', () => {
    const worker = metaWebhook((env) => ({
      appSecret: env.META_APP_SECRET ?? '',
      verifyToken: env.META_VERIFY_TOKEN ?? '',
      on: { 'message.inbound': (event) => expectTypeOf(event).toEqualTypeOf<MessageInboundEvent>() },
    }));
    expectTypeOf(worker).parameter(1).toEqualTypeOf<Record<string, string | undefined>>();
    // @ts-expect-error metaWebhook takes the App Secret and the verify token, not a Vobiz secret
    expect(() => metaWebhook({ secret: 'whsec', on: {} })).toThrow(/takes `appSecret`/);
    expect(worker).toBeInstanceOf(Function);
  });
});
