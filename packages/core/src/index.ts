// `@vobiz-webhooks/core` on Node: the receive pipeline with `node:crypto`.
// The Edge and Workers build (`index.web.ts`) exports the same names.
import { nodePlatform } from './node/platform';
import { createReceiverWith, type Receiver } from './receiver';
import { resolveMetaOptions, resolveVobizOptions } from './options';
import type { MetaWebhookOptions, VobizWebhookOptions } from './types';

/**
 * The whole receive pipeline, framework-free: method, content type, size limit,
 * signature, JSON, envelope, event type, age, dedupe, handlers. Adapters only
 * translate a request into `{ method, headers, rawBody }` and the result back.
 */
export function createReceiver(options: VobizWebhookOptions): Receiver {
  return createReceiverWith(nodePlatform, resolveVobizOptions(options));
}

/**
 * The same pipeline for Meta's WhatsApp Cloud API received directly: the `GET`
 * subscription handshake, `X-Hub-Signature-256` under the app secret, and one event
 * per item of the body, each deduped on its own key (docs/architecture.md, "Formats").
 */
export function createMetaReceiver(options: MetaWebhookOptions): Receiver {
  return createReceiverWith(nodePlatform, resolveMetaOptions(options));
}

// The receive pipeline
export { routeHandlers, type HandlerList, type RoutedHandler } from './handlers';
export type { RawBody, ReceiveRequest, ReceiveResult, Receiver } from './receiver';
export { getHeader, type HeaderSource } from './headers';
export { readWebBody } from './web/body';

// Signatures
export { signPayload, verifySignature } from './node/signature';
export { signPayloadAsync, verifySignatureAsync } from './web/signature';
export { explainSignatureMismatch, type SignatureMismatch } from './diagnostics';

// Errors, and log-safe text
export { VobizWebhookError, errorStatus, isVobizWebhookError, type VobizWebhookErrorCode } from './errors';
export { guardedLogger, rateLimit, safeName, safeText, type RateLimit } from './log';
export { isTimeout, MAX_TIMER_MS, withinTime } from './deadline';
export { duration } from './options';

// The wire format
export { parseEnvelope } from './envelope';
export {
  envelopeSchema,
  whatsappPayloadSchema,
  metaObjectSchema,
  changeValueSchema,
  messageSchema,
  messageEchoSchema,
  statusSchema,
  callSchema,
  contactSchema,
  metaErrorSchema,
  legacyEnvelopeSchema,
  metaEnvelopeSchema,
} from './schemas';

// Reading payloads
export { messagesOf, statusesOf, callsOf, contactsOf, errorsOf, messageEchoesOf, valuesOf } from './payload';

// Dedupe
export {
  memoryDedupeStore,
  type ClaimResult,
  type DedupeStore,
  type MemoryDedupeStore,
  type MemoryDedupeStoreOptions,
} from './dedupe';

// Types
export type * from './types';
