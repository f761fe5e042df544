import type { MetaObject } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { expectOk, expectRefusal } from '@vobiz-webhooks/test-suites';
import { toDeliveryResponse } from './target';

/** The secret the servers get (environment variable, or Workers binding). */
export const RUNTIME_SECRET = 'whsec_runtime_test_4d2c';
/** `metaWebhook`'s App Secret and Verify Token, the same way. */
export const RUNTIME_META_APP_SECRET = 'meta_app_secret_runtime_7e1a';
export const RUNTIME_META_VERIFY_TOKEN = 'meta-verify-token-runtime-90b3';
/** Every variable (or binding) the servers in ../runtimes/serve read. */
export const RUNTIME_ENV: Record<string, string> = {
  VOBIZ_WEBHOOK_SECRET: RUNTIME_SECRET,
  META_APP_SECRET: RUNTIME_META_APP_SECRET,
  META_VERIFY_TOKEN: RUNTIME_META_VERIFY_TOKEN,
};
/** What `serve/app.mjs` sets; the oversized checks send twice as much. */
const MAX_BODY_BYTES = 4096;
const PATH = '/webhooks/vobiz';
const META_PATH = '/webhooks/meta';

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
  const handshake = async (token: string, challenge: string) => {
    const query = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': token,
      'hub.challenge': challenge,
    });
    return fetch(new URL(`${META_PATH}?${query}`, url()));
  };
  /** Two messages and a status in one body, and the event ids the handler should record for them. */
  const metaBatch = () => {
    const objects = [
      createTestEvent('message.inbound', { format: 'meta' }),
      createTestEvent('message.inbound', { format: 'meta', messageType: 'image' }),
      createTestEvent('message.status', { format: 'meta' }),
    ];
    const body: MetaObject = { object: 'whatsapp_business_account', entry: objects.flatMap((o) => o.entry) };
    const values = body.entry.flatMap((entry) => entry.changes.map((change) => change.value));
    const ids = [
      ...values.flatMap((value) => (value.messages ?? []).map((m) => `meta:${m.id}`)),
      ...values.flatMap((value) => (value.statuses ?? []).map((s) => `meta:${s.id}:${s.status}`)),
    ];
    return { body, ids };
  };
  const deliverMeta = async (body: object, secret = RUNTIME_META_APP_SECRET) => {
    const signed = signedRequest(body, secret);
    const init = { method: 'POST', headers: signed.headers, body: signed.body };
    return toDeliveryResponse(await fetch(new URL(META_PATH, url()), init));
  };

  it("metaWebhook answers Meta's handshake with the challenge as plain text, and a wrong token 403", async () => {
    const answer = await handshake(RUNTIME_META_VERIFY_TOKEN, 'challenge-4f1c');
    expect([answer.status, await answer.text()]).toEqual([200, 'challenge-4f1c']);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expectRefusal(await toDeliveryResponse(await handshake('not-the-token', 'x')), 403, 'verification_failed');
  });

  it('metaWebhook handles a signed delivery once per item, its duplicate not again, a forgery not at all', async () => {
    const { body, ids } = metaBatch();
    expectOk(await deliverMeta(body));
    expect(await seen()).toEqual(expect.arrayContaining(ids));
    expectOk(await deliverMeta(body), true);
    const forged = metaBatch();
    expectRefusal(await deliverMeta(forged.body, 'not_the_app_secret'), 401, 'invalid_signature');
    const after = await seen();
    for (const id of ids) expect(after.filter((seenId) => seenId === id)).toHaveLength(1);
    expect(after).not.toEqual(expect.arrayContaining([forged.ids[0]]));
  });
}
