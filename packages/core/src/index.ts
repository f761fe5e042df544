import { nodePlatform } from './platform-node';
import { createReceiverWith, type Receiver } from './receiver';
import type { VobizWebhookOptions } from './types';

export * from './exports-shared';
export { signPayload, verifySignature } from './signature';

/**
 * The whole receive pipeline, framework-free: method, content type, size limit,
 * signature, JSON, envelope, event type, age, dedupe, handlers. Adapters only
 * translate a request into `{ method, headers, rawBody }` and the result back.
 */
export function createReceiver(options: VobizWebhookOptions): Receiver {
  return createReceiverWith(nodePlatform, options);
}
