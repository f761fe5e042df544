import type { IncomingMessage, ServerResponse } from 'node:http';
import { expectTypeOf } from 'expect-type';
import type { CallEvent, MessageInboundEvent, MessageStatusEvent, VobizEvent } from '@vobiz-webhooks/next';
import { vobizWebhook, type VobizRouteHandler } from '@vobiz-webhooks/next';
import { vobizWebhook as vobizPagesWebhook } from '@vobiz-webhooks/next/pages';

// Compile-time checks (`pnpm typecheck`), with runtime assertions that keep Jest honest.
// The example app's `next build` type-checks the same exports against Next's own types.
describe('types', () => {
  it('is a Fetch API route handler that Next.js App Router accepts as POST', () => {
    const POST = vobizWebhook({ secret: 'types-secret', logger: false, on: {} });
    expectTypeOf(POST).toEqualTypeOf<VobizRouteHandler>();
    expectTypeOf(POST).toEqualTypeOf<(request: Request) => Promise<Response>>();
    expect(POST).toBeInstanceOf(Function);
  });

  it('the Pages handler takes a NextApiRequest-like request with a parsed body, and a ServerResponse', () => {
    const handler = vobizPagesWebhook({ secret: 'types-secret', logger: false, on: {} });
    // What NextApiRequest adds to IncomingMessage: query, cookies, body (any), env, preview.
    type NextApiRequestLike = IncomingMessage & {
      query: Partial<Record<string, string | string[]>>;
      cookies: Partial<Record<string, string>>;
      body: any;
    };
    expectTypeOf(handler).toBeCallableWith({} as NextApiRequestLike, {} as ServerResponse);
    expectTypeOf(handler).returns.toEqualTypeOf<Promise<void>>();
    expect(handler).toHaveLength(2);
  });

  it('types each handler by its key, and rejects a misspelled key', () => {
    const POST = vobizWebhook({
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
    // @ts-expect-error same for the Pages Router entry
    vobizPagesWebhook({ secret: 'types-secret', on: { 'message.recieved': () => undefined } });
    expect(POST).toBeInstanceOf(Function);
  });
});
