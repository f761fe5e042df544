import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { normalizeSecrets } from '../secrets';
import { decodeHexSignature, type DecodedSignature } from '../signature-format';

/** Lowercase hex HMAC-SHA256 of the exact bytes, as Vobiz puts it in `X-Webhook-Signature`. */
export function signPayload(rawBody: string | Uint8Array, secret: string): string {
  const [key] = normalizeSecrets(secret);
  return createHmac('sha256', key as string)
    .update(rawBody)
    .digest('hex');
}

/** A string key is the same key as its UTF-8 bytes; a KeyObject saves re-importing it on every request. */
function verifyWith(keys: readonly (KeyObject | string)[], body: Uint8Array, given: DecodedSignature): boolean {
  let match = false;
  // Every key and every signature shape takes the same path: no early return.
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(body).digest();
    match = timingSafeEqual(expected, given.bytes) || match;
  }
  return match && given.wellFormed;
}

/** A verifier with the keys imported once, for the request path. */
export function nodeVerifier(secrets: readonly string[]): (body: Uint8Array, given: DecodedSignature) => boolean {
  const keys: KeyObject[] = secrets.map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
  return (body, given) => verifyWith(keys, body, given);
}

/**
 * True when `signature` is the HMAC of the exact `rawBody` under `secret` (or any of
 * several secrets during a rotation). Compares in constant time; never throws on a
 * malformed signature. Throws on a misconfigured secret.
 */
export function verifySignature(
  rawBody: string | Uint8Array,
  signature: string | null | undefined,
  secret: string | readonly string[],
): boolean {
  // One call, one use of each key: importing them as KeyObjects first (nodeVerifier) costs more than it saves.
  const secrets = normalizeSecrets(secret);
  if (typeof signature !== 'string') return false;
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return verifyWith(secrets, body, decodeHexSignature(signature));
}
