import { vobizWebhook } from '@vobiz-webhooks/next';
import { vobizWebhook as vobizPagesWebhook } from '@vobiz-webhooks/next/pages';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

// `next build` evaluates route modules with NEXT_PHASE=phase-production-build and,
// usually, without runtime secrets: construction must not fail there, and must fail
// loudly everywhere else.
describe('options checked at construction, except during next build', () => {
  const previous = process.env.NEXT_PHASE;
  afterEach(() => {
    if (previous === undefined) delete process.env.NEXT_PHASE;
    else process.env.NEXT_PHASE = previous;
  });

  it('throws at once for a missing secret outside the build', () => {
    delete process.env.NEXT_PHASE;
    expect(() => vobizWebhook({ secret: undefined as unknown as string, on: {} })).toThrow(/`secret` is missing/);
    expect(() => vobizPagesWebhook({ secret: '', on: {} })).toThrow(/`secret` is empty/);
  });

  it('defers the check to the first request during next build', async () => {
    process.env.NEXT_PHASE = 'phase-production-build';
    const POST = vobizWebhook({ secret: undefined as unknown as string, on: {} });
    expect(() => vobizPagesWebhook({ secret: '', on: {} })).not.toThrow();
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), 'whatever');
    await expect(
      POST(new Request('http://localhost/api/webhooks/vobiz', { method: 'POST', headers, body })),
    ).rejects.toThrow(/`secret` is missing/);
  });

  it('works normally once the secret exists, even when built during the build phase', async () => {
    process.env.NEXT_PHASE = 'phase-production-build';
    const seen: string[] = [];
    const POST = vobizWebhook({
      secret: 's3cret',
      logger: false,
      on: { 'message.inbound': (event) => void seen.push(event.event_id) },
    });
    const event = createTestEvent('message.inbound');
    const { body, headers } = signedRequest(event, 's3cret');
    const response = await POST(new Request('http://localhost/api/webhooks/vobiz', { method: 'POST', headers, body }));
    expect(response.status).toBe(200);
    expect(seen).toEqual([event.event_id]);
  });
});
