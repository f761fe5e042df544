import { VobizWebhookError } from '../errors';

/**
 * Reads a Web `Request` body as bytes, stopping at `limit` (413) instead of buffering
 * whatever a client sends. Works in Node, Edge runtimes and Workers.
 */
export async function readWebBody(request: Request, limit: number): Promise<Uint8Array> {
  if (request.bodyUsed) {
    throw new VobizWebhookError(
      'raw_body_unavailable',
      'The request body was already read (request.json() or request.text() ran before vobizWebhook). ' +
        'Pass the untouched Request to the handler; the signature is over the exact bytes.',
    );
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new VobizWebhookError('payload_too_large', `The body is larger than maxBodyBytes (${limit} bytes).`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
