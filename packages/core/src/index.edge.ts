// The entry for Edge runtimes and Workers (export conditions `edge-light`, `worker`,
// `workerd`): the same API, with Web Crypto instead of `node:crypto`.
import { webPlatform } from './platform-web';
import { createReceiverWith, type Receiver } from './receiver';
import type { VobizWebhookOptions } from './types';

export * from './exports-shared';

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

export function createReceiver(options: VobizWebhookOptions): Receiver {
  return createReceiverWith(webPlatform, options);
}
