import { connect as netConnect } from 'node:net';
import { request as httpRequest } from 'node:http';
import express from 'express';
import { vobizWebhook } from '@vobiz-webhooks/express';
import type { VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { describeHostile } from '@vobiz-webhooks/test-suites';
import { FUZZ_SECRET } from '@vobiz-webhooks/test-suites';
import { listen, makeConnectTarget, makeExpress4Target, makeExpressTarget } from './support/target';

// Supertest opens a server per request, so each adapter gets a few hundred cases here;
// the 10,000-case volume runs against the core receiver (packages/core/test/property).
describeHostile('Express 5', makeExpressTarget, { runs: 300 });
describeHostile('Express 4', makeExpress4Target, { runs: 150 });
describeHostile('Connect', makeConnectTarget, { runs: 150 });

/** One raw HTTP/1.1 exchange: what a hand-written client can send that supertest cannot. */
function rawExchange(port: number, head: string, body: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const bytes = Buffer.concat([
      Buffer.from(`${head}\r\n\r\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body) : body,
    ]);
    const socket = netConnect(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('Express: duplicated and conflicting headers on the wire', () => {
  const handled: VobizEvent[] = [];
  let served: Awaited<ReturnType<typeof listen>>;
  let port: number;

  beforeAll(async () => {
    const app = express().use(
      vobizWebhook({ secret: FUZZ_SECRET, logger: false, on: { '*': (event) => void handled.push(event) } }),
    );
    served = await listen(app);
    port = Number(new URL(served.origin).port);
  });
  afterAll(() => served.close());
  beforeEach(() => {
    handled.length = 0;
  });

  /** Sends with Node's client, which writes an array value as repeated header lines. */
  const post = (headers: Record<string, string | string[]>, body: string) =>
    new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
      const req = httpRequest(
        { port, host: '127.0.0.1', method: 'POST', path: '/webhooks/vobiz', headers, agent: false },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              code: (JSON.parse(text) as { error?: { code: string } }).error?.code,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  test('X-Webhook-Signature sent twice (even twice the valid value) is one joined value and never verifies', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), FUZZ_SECRET);
    const signature = headers['x-webhook-signature'];
    for (const twice of [
      [signature, signature],
      ['0'.repeat(64), signature],
    ]) {
      const answer = await post({ ...headers, 'x-webhook-signature': twice }, body);
      expect(answer).toEqual({ status: 401, code: 'invalid_signature' });
    }
    expect(handled).toHaveLength(0);
  });

  test('Content-Type sent twice: Node keeps the first, so the pipeline sees exactly one', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), FUZZ_SECRET);
    expect(await post({ ...headers, 'content-type': ['text/plain', 'application/json'] }, body)).toEqual({
      status: 415,
      code: 'unsupported_media_type',
    });
    expect(await post({ ...headers, 'content-type': ['application/json', 'text/plain'] }, body)).toEqual({
      status: 200,
      code: undefined,
    });
    expect(handled).toHaveLength(1);
  });

  test('request smuggling shapes (conflicting lengths, length plus chunked) are refused by Node before any handler', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), FUZZ_SECRET);
    const head = [
      'POST /webhooks/vobiz HTTP/1.1',
      'Host: 127.0.0.1',
      'Connection: close',
      `Content-Type: ${headers['content-type']}`,
      `X-Webhook-Signature: ${headers['x-webhook-signature']}`,
    ].join('\r\n');
    const length = Buffer.byteLength(body);
    const conflicting = await rawExchange(
      port,
      `${head}\r\nContent-Length: ${length}\r\nContent-Length: ${length - 1}`,
      body,
    );
    expect(conflicting).toMatch(/^HTTP\/1\.1 400 /);
    const chunked = `${length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const both = await rawExchange(port, `${head}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked`, chunked);
    expect(both).toMatch(/^HTTP\/1\.1 400 /);
    expect(handled).toHaveLength(0);
  });

  test('a chunked delivery with the right signature is read whole and handled', async () => {
    const { body, headers } = signedRequest(createTestEvent('message.inbound'), FUZZ_SECRET);
    const head = [
      'POST /webhooks/vobiz HTTP/1.1',
      'Host: 127.0.0.1',
      'Connection: close',
      'Transfer-Encoding: chunked',
      `Content-Type: ${headers['content-type']}`,
      `X-Webhook-Signature: ${headers['x-webhook-signature']}`,
    ].join('\r\n');
    // Split mid-character: the HMAC is over bytes, so a split multi-byte character must not matter.
    const bytes = Buffer.from(body);
    const cut = bytes.indexOf(0xc3) + 1 || 10;
    const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)].flatMap((chunk) => [
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    ]);
    const answer = await rawExchange(port, head, Buffer.concat([...chunks, Buffer.from('0\r\n\r\n')]));
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(handled).toHaveLength(1);
  });
});
