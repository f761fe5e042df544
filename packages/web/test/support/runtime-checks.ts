import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { expectOk, expectRefusal } from '@vobiz-webhooks/test-suites';
import { toDeliveryResponse } from './target';

/** The secret the servers get (environment variable, or Workers binding). */
export const RUNTIME_SECRET = 'whsec_runtime_test_4d2c';
/** What `serve/app.mjs` sets; the oversized checks send twice as much. */
const MAX_BODY_BYTES = 4096;
const PATH = '/webhooks/vobiz';

/**
 * The same checks against a server answering real HTTP, whatever runs it. `url` is read
 * at test time: the server starts in the caller's `beforeAll`.
 */
export function describeRuntimeChecks(url: () => string): void {
  const post = async (body: BodyInit, headers: Record<string, string>, init: RequestInit = {}) =>
    toDeliveryResponse(await fetch(new URL(PATH, url()), { method: 'POST', headers, body, ...init }));
  const deliver = (event: object, secret = RUNTIME_SECRET) => {
    const { body, headers } = signedRequest(event, secret);
    return post(body, headers);
  };
  const seen = async () => ((await (await fetch(new URL('/seen', url()))).json()) as { seen: string[] }).seen;

  it('answers a signed delivery 200, and the handler saw it', async () => {
    const event = createTestEvent('message.inbound');
    expectOk(await deliver(event));
    expect(await seen()).toContain(event.event_id);
  });

  it('refuses a forged delivery 401 invalid_signature, and the handler never saw it', async () => {
    const event = createTestEvent('message.inbound');
    expectRefusal(await deliver(event, 'whsec_forger'), 401, 'invalid_signature');
    expect(await seen()).not.toContain(event.event_id);
  });

  it('answers a redelivery 200 duplicate, handling it once', async () => {
    const event = createTestEvent('message.inbound');
    expectOk(await deliver(event));
    expectOk(await deliver(event), true);
    expect((await seen()).filter((id) => id === event.event_id)).toHaveLength(1);
  });

  it('answers 500 handler_failed when the handler throws', async () => {
    expectRefusal(await deliver(createTestEvent('message.status')), 500, 'handler_failed');
  });

  it('answers 405 with Allow: POST for another method on the path, 404 elsewhere', async () => {
    const response = await toDeliveryResponse(await fetch(new URL(PATH, url())));
    expectRefusal(response, 405, 'method_not_allowed');
    expect(response.headers.allow).toBe('POST');
    expectRefusal(await toDeliveryResponse(await fetch(new URL('/elsewhere', url()))), 404, 'not_found');
  });

  it('answers 415 for a body that is not JSON', async () => {
    expectRefusal(await post('hello', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
  });

  it('answers 413 for an oversized body, declared or streamed without Content-Length', async () => {
    const { body, headers } = signedRequest(
      createTestEvent('message.inbound', { payload: { pad: 'x'.repeat(8192) } }),
      RUNTIME_SECRET,
    );
    expectRefusal(await post(body, headers), 413, 'payload_too_large');
    const bytes = new TextEncoder().encode(body);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 1024) controller.enqueue(bytes.slice(at, at + 1024));
        controller.close();
      },
    });
    expect(bytes.length).toBeGreaterThan(2 * MAX_BODY_BYTES);
    expectRefusal(await post(stream, headers, { duplex: 'half' } as RequestInit), 413, 'payload_too_large');
  });
}
