import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { expectOk, expectRefusal, toDeliveryResponse } from '@vobiz-webhooks/test-suites';
import { bundleWorker, ensureBuilt, startScript, startWorker, type Running } from './support/runtimes';

// Each entry file in its real runtime, started the way the README says, loading the built packages
// through node_modules; then real HTTP. test/app.test.ts covers the app itself in-process.
const SECRET = 'whsec_example_hono_runtimes';

const RUNTIMES: [name: string, start: () => Promise<Running>][] = [
  ['Node (pnpm start: tsx src/node.ts)', () => startScript('start', SECRET)],
  ['Bun (pnpm start:bun: bun run src/bun.ts)', () => startScript('start:bun', SECRET)],
  ['Deno (pnpm start:deno: deno run … src/deno.ts)', () => startScript('start:deno', SECRET)],
  ['workerd through miniflare (src/worker.ts, the secret a binding)', () => startWorker(SECRET)],
];

beforeAll(ensureBuilt, 240_000);

describe.each(RUNTIMES)('examples/hono on %s', (_name, start) => {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await start();
  }, 120_000);
  afterAll(() => running?.stop());

  const url = (path: string) => new URL(path, (running as Running).url);
  const deliver = async (event: object, secret = SECRET) => {
    const { body, headers } = signedRequest(event, secret);
    return toDeliveryResponse(await fetch(url('/webhooks/vobiz'), { method: 'POST', headers, body }));
  };
  /** What the example's handlers recorded (`GET /received`, see src/app.ts). */
  const received = async () => (await (await fetch(url('/received'))).json()) as string[];

  it('answers a signed delivery 200, and its handler records the message', async () => {
    const before = await received();
    expectOk(await deliver(createTestEvent('message.inbound')));
    expect(await received()).toEqual([...before, expect.stringMatching(/^message text from \d+$/)]);
  });

  it('refuses a forged delivery 401 invalid_signature, recording nothing', async () => {
    const before = await received();
    expectRefusal(await deliver(createTestEvent('message.inbound'), 'whsec_forger'), 401, 'invalid_signature');
    expect(await received()).toEqual(before);
  });

  // On Workers this also shows the app is built once per isolate: a receiver built per request would
  // have a fresh dedupe store and handle the redelivery again.
  it('answers a redelivery 200 duplicate, recording it once', async () => {
    const event = createTestEvent('message.status');
    const before = await received();
    expectOk(await deliver(event));
    expectOk(await deliver(event), true);
    expect(await received()).toEqual([...before, expect.stringMatching(/^status delivered of /)]);
  });

  it('answers GET on the webhook path 405 with Allow: POST', async () => {
    const response = await toDeliveryResponse(await fetch(url('/webhooks/vobiz')));
    expectRefusal(response, 405, 'method_not_allowed');
    expect(response.headers.allow).toBe('POST');
  });
});

describe('the Workers bundle of src/worker.ts', () => {
  it('takes core’s Web Crypto build and the built packages, and imports no Node built-in', async () => {
    const { inputs, imports } = await bundleWorker();
    expect(inputs).toContainEqual(expect.stringMatching(/packages\/core\/dist\/index\.web\.js$/));
    expect(inputs).toContainEqual(expect.stringMatching(/packages\/hono\/dist\/index\.js$/));
    expect(inputs).not.toContainEqual(expect.stringMatching(/packages\/core\/dist\/index\.js$|packages\/\w+\/src\//));
    expect(imports).toEqual([]);
  });
});
