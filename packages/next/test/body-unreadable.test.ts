import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/next';

// App Router: a body stream that fails (the client aborted, the platform's stream errored)
// is answered 400 body_unreadable, like the Node adapters, not 500 handler_failed.
const SECRET = 'whsec_next_body_unreadable';
const URL_PATH = 'http://localhost:3000/api/webhooks/vobiz';

function deliveryWith(body: ReadableStream<Uint8Array>): Request {
  const { headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
  return new Request(URL_PATH, { method: 'POST', body, duplex: 'half', headers } as RequestInit);
}

describe('App Router handler: a body that cannot be read', () => {
  const handled: string[] = [];
  const POST = vobizWebhook({
    secret: SECRET,
    logger: false,
    on: { '*': (event) => void handled.push(event.event_id) },
  });

  it.each([
    [
      'whose pull throws',
      'stream error',
      () =>
        new ReadableStream<Uint8Array>({
          pull() {
            throw new Error('stream failed');
          },
        }),
    ],
    [
      'errored half way (a client abort)',
      'AbortError',
      () =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"event_id":"evt_'));
            setTimeout(() => controller.error(new DOMException('The request was aborted.', 'AbortError')), 10);
          },
        }),
    ],
  ])('a stream %s is 400 body_unreadable, naming the reason', async (_name, reason, stream) => {
    const response = await POST(deliveryWith(stream()));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({
      ok: false,
      error: {
        code: 'body_unreadable',
        message: `The request body could not be read completely (${reason}); the sender retries.`,
      },
    });
    expect(handled).toEqual([]);
  });
});
