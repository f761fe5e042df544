import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import { signedRequest } from '@vobiz-webhooks/core/testing';

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves a request listener (an Express app) on a free port. */
export async function listen(app: RequestListener): Promise<Listening> {
  const server: Server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/vobiz`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export interface Answer {
  status: number;
  body: { ok: boolean; duplicate?: boolean; error?: { code: string; message: string } };
}

/** One signed delivery, as Vobiz sends it. */
export async function deliver(url: string, event: object, secret: string): Promise<Answer> {
  const { body, headers } = signedRequest(event, secret);
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}
