import { VobizWebhookError } from '../errors';

/**
 * Reads a Web `Request` body as bytes, stopping at `limit` (413) instead of buffering
 * whatever a client sends. Works in Node, Edge runtimes and Workers. A stream that fails
 * part way (the client aborted, the platform's stream errored) is `body_unreadable`:
 * the bytes never arrived whole, which says nothing about the JSON.
 */
export async function readWebBody(request: Request, limit: number): Promise<Uint8Array> {
  // Read, or being read by code that holds a reader of its own: either way the bytes are not ours.
  if (request.bodyUsed || request.body?.locked === true) {
    throw new VobizWebhookError(
      'raw_body_unavailable',
      'The request body was already read (request.json(), request.text() or a reader of request.body ran before ' +
        'the webhook handler). Pass the untouched Request to the handler; the signature is over the exact bytes.',
    );
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw unreadable(error);
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new VobizWebhookError('payload_too_large', `The body is larger than maxBodyBytes (${limit} bytes).`);
    }
    chunks.push(chunk.value);
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

function unreadable(error: unknown): VobizWebhookError {
  // The error's name only ('AbortError', 'TypeError'): its message may quote anything.
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  const reason = typeof name === 'string' && name !== 'Error' ? name.slice(0, 40) : 'stream error';
  const message = `The request body could not be read completely (${reason}); the sender retries.`;
  return new VobizWebhookError('body_unreadable', message, { cause: error });
}
