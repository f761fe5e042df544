import type Koa from 'koa';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/koa';
import { deliver, newKoaApp, type KoaVersion } from './support/target';

const SECRET = 'koa-error-handling-secret';

/**
 * A refused delivery is an answer, not an exception: the app's error middleware and
 * `app.on('error')` (where apps report to Sentry and friends) must stay quiet for
 * forged, malformed, duplicate or failed deliveries, and Koa must not replace the JSON
 * answer with its own error page.
 */
describe.each<KoaVersion>([3, 2])('Koa %i: an error-handling middleware upstream', (version) => {
  function app() {
    const caught: unknown[] = [];
    const errorMiddleware: Koa.Middleware = async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        caught.push(error);
        ctx.status = 599;
        ctx.body = 'caught upstream';
      }
    };
    const koa = newKoaApp(version)
      .use(errorMiddleware)
      .use(
        vobizWebhook({
          secret: SECRET,
          logger: false,
          on: {
            'message.inbound': () => undefined,
            'call.*': () => {
              throw new Error('call handler down');
            },
          },
        }),
      );
    koa.on('error', (error: unknown) => void caught.push(error));
    return { koa, caught };
  }

  it('never sees a throw for refused deliveries, and each answer keeps its status and JSON code', async () => {
    const { koa, caught } = app();
    const inbound = createTestEvent('message.inbound');
    const cases: Array<[string, Parameters<typeof deliver>[1], number, string | undefined]> = [
      ['handled', signedRequest(inbound, SECRET), 200, undefined],
      ['duplicate', signedRequest(inbound, SECRET), 200, undefined],
      ['forged', signedRequest(createTestEvent('message.inbound'), 'forged-secret'), 401, 'invalid_signature'],
      ['unsigned', { headers: { 'content-type': 'application/json' }, body: '{}' }, 401, 'missing_signature'],
      ['not JSON', signedRequest('{"event_id":', SECRET), 400, 'invalid_json'],
      ['wrong method', { method: 'DELETE' }, 405, 'method_not_allowed'],
      ['handler throws', signedRequest(createTestEvent('call.connect'), SECRET), 500, 'handler_failed'],
    ];

    for (const [situation, request, status, code] of cases) {
      const res = await deliver(koa, request);
      expect({ situation, status: res.status, code: res.body.error?.code }).toEqual({ situation, status, code });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    expect(caught).toEqual([]);
  });
});
