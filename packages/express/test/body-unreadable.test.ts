import { createServer, type Server } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import express from 'express';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/express';

// Express: a client that declares a Content-Length, sends half of it and leaves. The read
// fails with raw-body's request.aborted, which is logged as 400 body_unreadable (not
// invalid_json: no JSON was ever seen), and the app keeps serving.
const SECRET = 'whsec_express_body_unreadable';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const socket = netConnect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(
    'POST /webhooks/vobiz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Webhook-Signature: ${headers['x-webhook-signature']}\r\n\r\n` +
      body.slice(0, body.length / 2),
  );
  await sleep(50);
  socket.destroy();
  const deadline = Date.now() + 5_000;
  while (warnings.length === 0 && Date.now() < deadline) await sleep(10);
  expect(warnings).toEqual([expect.stringContaining('400 body_unreadable')]);
  expect(warnings[0]).toContain('request.aborted');
  expect(handled).toEqual([]);

  const next = signedRequest(createTestEvent('message.inbound'), SECRET);
  const response = await fetch(`http://127.0.0.1:${port}/webhooks/vobiz`, { method: 'POST', ...next });
  expect(response.status).toBe(200);
  expect(handled).toHaveLength(1);
});
