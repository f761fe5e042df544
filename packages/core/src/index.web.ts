// `@vobiz-webhooks/core` for Edge runtimes and Workers (export conditions `edge-light`,
// `worker`, `workerd`): the same names as the Node entry, with Web Crypto instead of
// `node:crypto`. Nothing here imports a `node:` module.
import { webPlatform } from './web/platform';
import { createReceiverWith, type Receiver } from './receiver';
import { resolveMetaOptions, resolveVobizOptions } from './options';
import type { MetaWebhookOptions, VobizWebhookOptions } from './types';

export function createReceiver(options: VobizWebhookOptions): Receiver {
  return createReceiverWith(webPlatform, resolveVobizOptions(options));
}

export function createMetaReceiver(options: MetaWebhookOptions): Receiver {
  return createReceiverWith(webPlatform, resolveMetaOptions(options));
}

const syncUnavailable = (name: string, twin: string) => (): never => {
  throw new Error(`vobiz-webhooks: ${name} needs node:crypto, which this runtime lacks; use ${twin} instead.`);
};

/** Not available without `node:crypto`: use `signPayloadAsync`. */
export const signPayload: (rawBody: string | Uint8Array, secret: string) => string = syncUnavailable(
  'signPayload',
  'signPayloadAsync',
);
/** Not available without `node:crypto`: use `verifySignatureAsync`. */
export const verifySignature: (
  rawBody: string | Uint8Array,
  signature: string | null | undefined,
  secret: string | readonly string[],
) => boolean = syncUnavailable('verifySignature', 'verifySignatureAsync');

// The receive pipeline
export { routeHandlers, type HandlerList, type RoutedHandler } from './handlers';
export type { RawBody, ReceiveRequest, ReceiveResult, Receiver } from './receiver';
export { getHeader, type HeaderSource } from './headers';
export { readWebBody } from './web/body';

// Signatures
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
