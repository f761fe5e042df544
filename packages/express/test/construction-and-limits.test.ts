import express from 'express';
import { request as httpRequest } from 'node:http';
import { vobizWebhook } from '@vobiz-webhooks/express';
import type { VobizWebhookOptions } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import { SECRET } from '@vobiz-webhooks/test-suites';
import { listen } from './support/target';

jest.setTimeout(30_000);

describe('construction: misconfiguration fails at startup with a message that says why', () => {
  const secretInEnvFile = 'whsec_live_7c1e9d2b44';
  const construct = (options: unknown) => () => vobizWebhook(options as VobizWebhookOptions);

  it.each([
    { what: 'an empty secret', options: { secret: '', on: {} }, message: /`secret` is empty/ },
    {
      what: 'an unset env variable',
      options: { secret: undefined, on: {} },
      message: /`secret` is missing.*VOBIZ_WEBHOOK_SECRET/,
    },
    {
      what: 'a secret with a trailing newline',
      options: { secret: `${secretInEnvFile}\n`, on: {} },
      message: /leading or trailing whitespace/,
    },
    {
      what: 'a secret with a leading space',
      options: { secret: ` ${secretInEnvFile}`, on: {} },
      message: /leading or trailing whitespace/,
    },
    { what: 'an empty secret array', options: { secret: [], on: {} }, message: /empty array/ },
    {
      what: 'a bad secret in a rotation',
      options: { secret: [secretInEnvFile, `${secretInEnvFile} `], on: {} },
      message: /secret\[1\].*whitespace/,
    },
    { what: 'a missing `on`', options: { secret: secretInEnvFile }, message: /`on` is required/ },
    {
      what: 'a handler that is not a function',
      options: { secret: secretInEnvFile, on: { 'message.inbound': 'log' } },
      message: /'message\.inbound' must be a function/,
    },
    {
      what: 'a path without a leading slash',
      options: { secret: secretInEnvFile, on: {}, path: 'webhooks' },
      message: /must start with '\/'/,
    },
    {
      what: 'a zero maxBodyBytes',
      options: { secret: secretInEnvFile, on: {}, maxBodyBytes: 0 },
      message: /maxBodyBytes/,
    },
  ])('throws for $what, without echoing the secret', ({ options, message }) => {
    expect(construct(options)).toThrow(message);
    let thrown: unknown;
    try {
      construct(options)();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String((thrown as Error).message)).not.toContain(secretInEnvFile);
  });

  it('accepts a valid secret and handler map', () => {
    expect(typeof vobizWebhook({ secret: secretInEnvFile, on: { '*': () => undefined } })).toBe('function');
  });
});

/** Streams `total` bytes in chunks without a Content-Length (chunked), and resolves with the answer. */
function streamDelivery(
  url: string,
  total: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/webhooks/vobiz`, {
      method: 'POST',
      headers: { ...headers, 'transfer-encoding': 'chunked' },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    // The server may close the socket once it has answered; that is the point of the limit.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < total && !answered) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('large bodies', () => {
  const servers: Array<() => Promise<void>> = [];
  afterAll(async () => Promise.all(servers.map((close) => close())));

  it('a streamed body bigger than maxBodyBytes gets 413 payload_too_large, and no handler runs', async () => {
    const handled: unknown[] = [];
    const app = express().use(
      vobizWebhook({
        secret: SECRET,
        logger: false,
        maxBodyBytes: 64 * 1024,
        on: { '*': (event) => void handled.push(event) },
      }),
    );
    const served = await listen(app);
    servers.push(served.close);
    const response = await streamDelivery(served.origin, 4 * 1024 * 1024, {
      'content-type': 'application/json',
      'x-webhook-signature': 'a'.repeat(64),
    });
    expect(response).toEqual({
      status: 413,
      body: { ok: false, error: { code: 'payload_too_large', message: expect.stringContaining('65536') } },
    });
    expect(handled).toEqual([]);
  });

  it('a body without a Content-Type header is accepted (only a non-JSON type is refused)', async () => {
    const handled: unknown[] = [];
    const served = await listen(
      express().use(vobizWebhook({ secret: SECRET, logger: false, on: { '*': (event) => void handled.push(event) } })),
    );
    servers.push(served.close);
    const { body, headers } = signedRequest(createTestEvent('message.status'), SECRET);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${served.origin}/webhooks/vobiz`, {
        method: 'POST',
        headers: { 'x-webhook-signature': headers['x-webhook-signature'], 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
    expect(handled).toHaveLength(1);
  });

  it('a body just under maxBodyBytes is handled', async () => {
    const handled: unknown[] = [];
    const served = await listen(
      express().use(
        vobizWebhook({
          secret: SECRET,
          logger: false,
          maxBodyBytes: 8 * 1024,
          on: { '*': (event) => void handled.push(event) },
        }),
      ),
    );
    servers.push(served.close);
    const event = createTestEvent('template.update', { payload: { padding: '' } });
    const size = Buffer.byteLength(JSON.stringify(event));
    (event.payload as { padding: string }).padding = 'p'.repeat(8 * 1024 - size);
    const { body, headers } = signedRequest(event, SECRET);
    expect(Buffer.byteLength(body)).toBe(8 * 1024);
    const response = await fetch(`${served.origin}/webhooks/vobiz`, { method: 'POST', headers, body });
    expect(response.status).toBe(200);
    expect(handled).toHaveLength(1);
    const over = signedRequest(`${body.slice(0, -1)} }`, SECRET);
    const refused = await fetch(`${served.origin}/webhooks/vobiz`, {
      method: 'POST',
      headers: over.headers,
      body: over.body,
    });
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});
