import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/next/pages';

// The Pages Router handler when the response was answered before it finished (a platform
// or wrapper timeout answering 503) or the client left: it must resolve without writing,
// since a second writeHead throws ERR_HTTP_HEADERS_SENT and Next would report the route
// as failed for a delivery that was handled.
const SECRET = 'whsec_pages_answered_elsewhere';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: Server;
let url: string;
const outcomes: Array<'resolved' | unknown> = [];
const handled: string[] = [];

beforeAll(async () => {
  const handler = vobizWebhook({
    secret: SECRET,
    logger: false,
    on: {
      '*': async (event) => {
        await sleep(300);
        handled.push(event.event_id);
      },
    },
  });
  server = createServer((req, res) => {
    // A wrapper's response timeout, then the handler awaited as Next's API resolver awaits it.
    const timer = setTimeout(() => void res.writeHead(503).end('timed out'), 100);
    res.on('close', () => clearTimeout(timer));
    handler(req, res).then(
      () => void outcomes.push('resolved'),
      (error: unknown) => void outcomes.push(error),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/vobiz`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a handler that finishes after a 503 went out resolves without writing again', async () => {
  const event = createTestEvent('message.inbound');
  const { body, headers } = signedRequest(event, SECRET);
  const response = await fetch(url, { method: 'POST', headers, body });
  expect(response.status).toBe(503);
  expect(await response.text()).toBe('timed out');
  await sleep(500);
  expect(handled).toEqual([event.event_id]);
  expect(outcomes).toEqual(['resolved']);
});
