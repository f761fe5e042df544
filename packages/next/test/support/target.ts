import type { VobizWebhookOptions } from '@vobiz-webhooks/core';
import type { DeliveryRequest, DeliveryResponse, MakeTarget, Target } from '@vobiz-webhooks/test-suites';
import { vobizWebhook } from '@vobiz-webhooks/next';

/** Where the route file would live; the App Router handler answers whatever URL reaches it. */
const ORIGIN = 'http://localhost:3000';
const DEFAULT_PATH = '/api/webhooks/vobiz';

/** Turns a Fetch `Response` into the shape the conformance suite asserts on. */
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

/** A Web `Request` for a delivery, exactly as Next.js hands one to a route handler. */
export function toRequest({ method = 'POST', path = DEFAULT_PATH, headers = {}, body }: DeliveryRequest): Request {
  const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(path, ORIGIN), {
    method,
    headers,
    ...(hasBody ? { body: body as BodyInit } : {}),
  });
}

/**
 * The App Router handler called the way Next.js calls it: `POST(new Request(...))`.
 * Next routes by file, so every method reaches the handler here; a real route file
 * exporting only POST would get Next's own 405 for the rest.
 */
export const makeNextTarget: MakeTarget = (options: VobizWebhookOptions): Target => {
  const handler = vobizWebhook(options);
  return {
    send: async (request) => toDeliveryResponse(await handler(toRequest(request))),
  };
};
