import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

// Loaded with require() so the root `pnpm typecheck`, which has no experimentalDecorators, does not
// follow it into the decorated app/ (its own tsconfig checks it: `pnpm typecheck` in this example).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const { createApp } = require('../app/app') as {
  createApp(options: object): Promise<NestExpressApplication>;
};

const SECRET = 'example-nestjs-secret';

async function started(rawBody: boolean) {
  const app = await createApp({ secret: SECRET, logger: false, nestLogs: false, rawBody });
  await app.listen(0, '127.0.0.1');
  return { app, base: await app.getUrl() };
}

async function post(base: string, path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as any };
}

describe('examples/nestjs with rawBody: true', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await started(true));
  });
  afterAll(() => app.close());

  it('answers a signed delivery 200 and the handler ran', async () => {
    const event = createTestEvent('message.inbound');
    const { body, headers } = signedRequest(event, SECRET);
    expect(await post(base, '/webhooks/vobiz', body, headers)).toEqual({ status: 200, body: { ok: true } });
    const received = (await (await fetch(`${base}/received`)).json()) as string[];
    expect(received).toEqual([expect.stringMatching(/^message text from /)]);
  });

  it('refuses a forged delivery with 401 invalid_signature', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.status'), 'whsec_forger');
    const answer = await post(base, '/webhooks/vobiz', body, headers);
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('invalid_signature');
  });

  it('answers other methods on the webhook path with 405 and Allow: POST', async () => {
    const res = await fetch(`${base}/webhooks/vobiz`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it("leaves Nest's JSON routes parsing JSON", async () => {
    const answer = await post(base, '/api/notes', '{"text":"hello"}', { 'content-type': 'application/json' });
    expect(answer).toEqual({ status: 201, body: { saved: 'hello' } });
  });
});

describe('examples/nestjs built without rawBody: true', () => {
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    ({ app, base } = await started(false));
  });
  afterAll(() => app.close());

  const deliver = () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
    return post(base, '/webhooks/vobiz', body, headers);
  };

  it('answers every delivery 500 raw_body_unavailable: the JSON parser kept no bytes', async () => {
    const answer = await deliver();
    expect(answer.status).toBe(500);
    expect(answer.body.error.code).toBe('raw_body_unavailable');
    expect(answer.body.error.message).toContain('req.rawBody');
  });

  it('names the fix in the message: NestFactory.create(AppModule, { rawBody: true })', async () => {
    expect((await deliver()).body.error.message).toContain('rawBody: true');
  });
});
