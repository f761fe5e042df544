import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectTypeOf } from 'expect-type';
import type { EventHandlers, MessageInboundEvent } from '@vobiz-webhooks/web';
import {
  metaRouteHandler,
  metaWebhook,
  vobizRouteHandler,
  vobizWebhook,
  type VobizEnvFetchHandler,
  type VobizFetchHandler,
} from '@vobiz-webhooks/web';
import { ensureBuilt } from './support/built';

// Compile-time checks (`pnpm typecheck`), with runtime assertions that keep Jest honest.
describe('types', () => {
  it('is a Fetch API handler given options, and a Workers fetch given a function of env', () => {
    const bare = vobizWebhook({ secret: 'types-secret', logger: false, on: {} });
    expectTypeOf(bare).toEqualTypeOf<(request: Request) => Promise<Response>>();
    expectTypeOf(vobizRouteHandler({ secret: 'types-secret', on: {} })).toEqualTypeOf<VobizFetchHandler>();

    interface Env {
      VOBIZ_WEBHOOK_SECRET: string;
      OTHER: number;
    }
    // `logger: false` stays the literal `false` inside the factory's result.
    const worker = vobizWebhook((env: Env) => ({ secret: env.VOBIZ_WEBHOOK_SECRET, logger: false, on: {} }));
    expectTypeOf(worker).toEqualTypeOf<VobizEnvFetchHandler<Env>>();
    expectTypeOf(worker).toBeCallableWith(new Request('http://x'), { VOBIZ_WEBHOOK_SECRET: 's', OTHER: 1 }, {});
    // @ts-expect-error the env must be the Env the factory takes
    void (() => worker(new Request('http://x'), { OTHER: 1 }));
    expect(bare).toBeInstanceOf(Function);
  });

  it('types handlers by key, with an unannotated env of string bindings', () => {
    const worker = vobizWebhook((env) => ({
      secret: env.VOBIZ_WEBHOOK_SECRET ?? '',
      on: { 'message.inbound': (event) => expectTypeOf(event).toEqualTypeOf<MessageInboundEvent>() },
    }));
    expectTypeOf(worker).parameter(1).toEqualTypeOf<Record<string, string | undefined>>();
    // @ts-expect-error 'message.recieved' is not an event type
    vobizWebhook({ secret: 'types-secret', on: { 'message.recieved': () => undefined } });
    expect(worker).toBeInstanceOf(Function);
  });

  it('refuses in a factory of env what it refuses in plain options: a misspelled key or option', () => {
    interface Env {
      VOBIZ_WEBHOOK_SECRET: string;
      META_APP_SECRET: string;
    }
    const handler = async () => undefined;
    // @ts-expect-error 'message.recieved' is not an event type
    vobizWebhook((env: Env) => ({ secret: env.VOBIZ_WEBHOOK_SECRET, on: { 'message.recieved': handler } }));
    // @ts-expect-error 'mesage.inbound' is not an event type, with an unannotated env too
    vobizRouteHandler((env) => ({ secret: env.VOBIZ_WEBHOOK_SECRET ?? '', on: { 'mesage.inbound': handler } }));
    // @ts-expect-error `sekret` is not an option
    vobizWebhook((env: Env) => ({ secret: env.VOBIZ_WEBHOOK_SECRET, sekret: 'x', on: {} }));
    // @ts-expect-error 'message.statuss' is not an event type
    metaWebhook((env: Env) => ({
      appSecret: env.META_APP_SECRET,
      verifyToken: 't',
      on: { 'message.statuss': handler },
    }));
    // @ts-expect-error `queue` and `on` exclude each other
    vobizWebhook((env: Env) => ({ secret: env.VOBIZ_WEBHOOK_SECRET, queue: { enqueue: handler }, on: {} }));
    // A factory with two returns: each is held to the keys.
    // @ts-expect-error 'message.recieved' is not an event type, in one branch of two
    vobizWebhook((env: Env) =>
      env.VOBIZ_WEBHOOK_SECRET === ''
        ? { secret: 's', queue: { enqueue: handler } }
        : { secret: env.VOBIZ_WEBHOOK_SECRET, on: { 'message.recieved': handler } },
    );
    // What is right still compiles: any call.<event> and meta.<field>, queue mode, an `on` declared apart.
    const on: EventHandlers = { '*': handler };
    const built = [
      vobizWebhook((env: Env) => ({ secret: env.VOBIZ_WEBHOOK_SECRET, on: { 'call.transfer': handler } })),
      vobizWebhook((env: Env) => ({ secret: env.VOBIZ_WEBHOOK_SECRET, queue: { enqueue: handler } })),
      vobizWebhook((env: Env) => ({ secret: env.VOBIZ_WEBHOOK_SECRET, on })),
      metaRouteHandler((env: Env) => ({ appSecret: env.META_APP_SECRET, verifyToken: 't', on: { 'meta.*': handler } })),
      vobizWebhook((env: Env) =>
        env.VOBIZ_WEBHOOK_SECRET === ''
          ? { secret: 's', queue: { enqueue: handler } }
          : {
              secret: env.VOBIZ_WEBHOOK_SECRET,
              on: { 'message.inbound': (event) => expectTypeOf(event).toEqualTypeOf<MessageInboundEvent>() },
            },
      ),
    ];
    expect(built.every((fetch) => typeof fetch === 'function')).toBe(true);
  });

  it('fits ExportedHandler<Env> of @cloudflare/workers-types, built and without the DOM lib', () => {
    ensureBuilt();
    const root = join(__dirname, '..', '..', '..');
    const dir = mkdtempSync(join(tmpdir(), 'vobiz-web-workers-types-'));
    try {
      const worker = [
        "import { vobizWebhook } from '@vobiz-webhooks/web';",
        'interface Env { VOBIZ_WEBHOOK_SECRET: string }',
        'export default {',
        "  fetch: vobizWebhook((env: Env) => ({ secret: env.VOBIZ_WEBHOOK_SECRET, on: { '*': async () => {} } })),",
        '} satisfies ExportedHandler<Env>;',
      ].join('\n');
      writeFileSync(join(dir, 'worker.ts'), worker);
      const compilerOptions = {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'Preserve',
        moduleResolution: 'bundler',
        customConditions: ['workerd'],
        types: [join(root, 'node_modules', '@cloudflare', 'workers-types')],
        paths: { '@vobiz-webhooks/web': [join(root, 'packages', 'web', 'dist', 'index.d.ts')] },
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['worker.ts'] }));
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      try {
        execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
      } catch (error) {
        throw new Error(`tsc refused the Worker:\n${String((error as { stdout?: string }).stdout || error)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
