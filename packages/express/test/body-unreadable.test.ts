import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { abortMidBody, eventually } from '@vobiz-webhooks/test-suites';

// Express: a client that declares a Content-Length, sends half of it and leaves. The read
// fails with raw-body's request.aborted, which is logged as 400 body_unreadable (not
// invalid_json: no JSON was ever seen), and the app keeps serving.
const SECRET = 'whsec_express_body_unreadable';

let server: Server;
let port: number;
const warnings: string[] = [];
const handled: string[] = [];

beforeAll(async () => {
  const app = express().use(
    vobizWebhook({
      secret: SECRET,
      logger: { warn: (message: unknown) => void warnings.push(String(message)), error: () => undefined },
      on: { '*': (event) => void handled.push(event.event_id) },
    }),
  );
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('half a body, then the socket is destroyed: 400 body_unreadable (request.aborted)', async () => {
  const { body, headers } = signedRequest(createTestEvent('message.inbound'), SECRET);
  await abortMidBody(port, { body, headers });
  await eventually(() => expect(warnings.length).toBeGreaterThan(0));
  expect(warnings).toEqual([expect.stringContaining('400 body_unreadable')]);
  expect(warnings[0]).toContain('request.aborted');
  expect(handled).toEqual([]);

  const next = signedRequest(createTestEvent('message.inbound'), SECRET);
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/vobiz`, { method: 'POST', ...next });
  expect(response.status).toBe(200);
  expect(handled).toHaveLength(1);
});
