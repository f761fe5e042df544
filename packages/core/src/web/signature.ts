import { normalizeSecrets } from '../secrets';
import { decodeHexSignature, toHex, type DecodedSignature } from '../signature-format';

// Web Crypto only: this file is what Edge runtimes and Workers get. No `node:` imports.
const encoder = new TextEncoder();
const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;

const bytesOf = (body: string | Uint8Array): Uint8Array<ArrayBuffer> =>
  (typeof body === 'string' ? encoder.encode(body) : body) as Uint8Array<ArrayBuffer>;

const importKey = (secret: string): Promise<CryptoKey> =>
  crypto.subtle.importKey('raw', encoder.encode(secret), HMAC, false, ['sign', 'verify']);

/** `signPayload` for runtimes without `node:crypto`. */
export async function signPayloadAsync(rawBody: string | Uint8Array, secret: string): Promise<string> {
  const [key] = normalizeSecrets(secret);
  const signature = await crypto.subtle.sign('HMAC', await importKey(key as string), bytesOf(rawBody));
  return toHex(new Uint8Array(signature));
}

/** A verifier with the keys imported once, for the request path. */
export function webVerifier(
  secrets: readonly string[],
): (body: Uint8Array, given: DecodedSignature) => Promise<boolean> {
  let keys: Promise<CryptoKey[]> | undefined;
  return async (body, given) => {
    keys ??= Promise.all(secrets.map(importKey));
    // crypto.subtle.verify compares in constant time; a malformed header is checked the same way.
    const results = await Promise.all(
      (await keys).map((key) =>
        crypto.subtle.verify('HMAC', key, given.bytes as Uint8Array<ArrayBuffer>, bytesOf(body)),
      ),
    );
    return results.includes(true) && given.wellFormed;
  };
}

/** `verifySignature` for runtimes without `node:crypto` (Edge, Workers, browsers). */
export async function verifySignatureAsync(
  rawBody: string | Uint8Array,
  signature: string | null | undefined,
  secret: string | readonly string[],
): Promise<boolean> {
  const verify = webVerifier(normalizeSecrets(secret));
  if (typeof signature !== 'string') return false;
  return verify(bytesOf(rawBody), decodeHexSignature(signature));
}
