import type { RequestListener } from 'node:http';
import { listen as listenOnFreePort } from '@vobiz-webhooks/test-suites';
import { signedRequest } from '@vobiz-webhooks/core/testing';

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves a request listener (an Express app) on a free port; `url` is its webhook URL. */
export async function listen(app: RequestListener): Promise<Listening> {
  const served = await listenOnFreePort(app);
  return { url: `${served.origin}/webhooks/vobiz`, close: served.close };
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
