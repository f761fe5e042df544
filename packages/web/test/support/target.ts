import type { VobizWebhookOptions } from '@vobiz-webhooks/core';
import type { DeliveryRequest, DeliveryResponse, MakeTarget, Target } from '@vobiz-webhooks/test-suites';
import { vobizWebhook } from '@vobiz-webhooks/web';

const ORIGIN = 'http://127.0.0.1:8787';
const DEFAULT_PATH = '/webhooks/vobiz';

/** Turns a Fetch `Response` into the shape the shared suites assert on. */
export async function toDeliveryResponse(response: Response): Promise<DeliveryResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the suite gets the text.
  }
  return { status: response.status, headers, body };
}

/** A Web `Request` for a delivery, as Bun, Deno or workerd hand one to `fetch`. */
export function toRequest(
  { method = 'POST', path = DEFAULT_PATH, headers = {}, body }: DeliveryRequest,
  origin = ORIGIN,
): Request {
  const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(path, origin), { method, headers, ...(hasBody ? { body: body as BodyInit } : {}) });
}

/** The bare `fetch` handler, given every request as a Bun or Deno server would, at `options.path`. */
export const makeWebTarget: MakeTarget = (options: VobizWebhookOptions): Target => {
  const handler = vobizWebhook(options);
  const path = options.path ?? DEFAULT_PATH;
  return { send: async (request) => toDeliveryResponse(await handler(toRequest({ path, ...request }))) };
};
