import type { DeliveryRequest, DeliveryResponse } from './target';

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

/** A Web `Request` for a delivery, as a Fetch runtime (Next.js, Bun, Deno, workerd, Hono) hands one on. */
export function toRequest(
  { method = 'POST', path, headers = {}, body }: DeliveryRequest,
  { origin, defaultPath }: { origin: string; defaultPath: string },
): Request {
  const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
  return new Request(new URL(path ?? defaultPath, origin), {
    method,
    headers,
    ...(hasBody ? { body: body as BodyInit } : {}),
  });
}
