// Everything that is the same on every runtime. The two entry points add the crypto.
export { VobizWebhookError, errorStatus, isVobizWebhookError, type VobizWebhookErrorCode } from './errors';
export * from './schemas';
export { parseEnvelope } from './envelope';
export { memoryDedupeStore, type ClaimResult, type DedupeStore, type MemoryDedupeStore, type MemoryDedupeStoreOptions } from './dedupe';
export { messagesOf, statusesOf, callsOf, contactsOf, valuesOf } from './payload';
export { getHeader, type HeaderSource } from './headers';
export { readWebBody } from './web-body';
export { signPayloadAsync, verifySignatureAsync } from './signature-web';
export { explainSignatureMismatch, signatureDiagnosticsEnabled, type SignatureMismatch } from './diagnostics';
export type { RawBody, ReceiveRequest, ReceiveResult, Receiver } from './receiver';
export type * from './types';
