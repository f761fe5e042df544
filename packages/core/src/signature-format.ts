// Hex digit values by char code (-1: not hex). A typed-array lookup by char code, not a
// regex plus string-keyed lookups: this runs on every delivery and was ~1/3 of verify's cost.
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const hexValue = (code: number): number => (code < 128 ? (HEX_VALUE[code] as number) : -1);

// Base64 digit values, both alphabets (`+/` and the URL-safe `-_`).
const BASE64_VALUE = new Int8Array(128).fill(-1);
const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < 64; i++) BASE64_VALUE[BASE64_DIGITS.charCodeAt(i)] = i;
BASE64_VALUE['-'.charCodeAt(0)] = 62;
BASE64_VALUE['_'.charCodeAt(0)] = 63;
const base64Value = (code: number): number => (code < 128 ? (BASE64_VALUE[code] as number) : -1);

/**
 * A signature header turned into the 32 bytes to compare. A malformed header still
 * yields 32 (zero) bytes, so it goes through the same constant-time comparison as a good
 * one and is rejected by `wellFormed` afterwards, never by an early return.
 */
export interface DecodedSignature {
  bytes: Uint8Array;
  wellFormed: boolean;
}

const malformed = (): DecodedSignature => ({ bytes: new Uint8Array(32), wellFormed: false });

/** 64 hex digits (either case) from `start`, the whole rest of `signature`. */
function decodeHex(signature: string, start = 0): DecodedSignature {
  if (signature.length - start !== 64) return malformed();
  const bytes = new Uint8Array(32);
  let wellFormed = true;
  for (let i = 0; i < 32; i++) {
    const high = hexValue(signature.charCodeAt(start + 2 * i));
    const low = hexValue(signature.charCodeAt(start + 2 * i + 1));
    if ((high | low) < 0) wellFormed = false;
    bytes[i] = (high << 4) | low;
  }
  return wellFormed ? { bytes, wellFormed } : malformed();
}

/** 32 bytes in base64 from `start`: 43 digits, then optionally one `=`. */
function decodeBase64(signature: string, start: number): DecodedSignature {
  let end = signature.length;
  if (end - start === 44 && signature.charCodeAt(end - 1) === 61 /* = */) end--;
  if (end - start !== 43) return malformed();
  const bytes = new Uint8Array(32);
  let bits = 0;
  let buffered = 0;
  let next = 0;
  for (let i = start; i < end; i++) {
    const value = base64Value(signature.charCodeAt(i));
    if (value < 0) return malformed();
    buffered = ((buffered << 6) | value) & 0x3fff; // at most 13 bits are pending
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (next < 32) bytes[next++] = (buffered >> bits) & 0xff;
    }
  }
  // 43 digits carry 258 bits: the last two must be zero in a canonical encoding.
  return (buffered & ((1 << bits) - 1)) === 0 ? { bytes, wellFormed: true } : malformed();
}

const hasPrefix = (signature: string): boolean =>
  signature.length > 7 && signature.slice(0, 7).toLowerCase() === 'sha256=';

/** `X-Webhook-Signature`: bare hex, as Vobiz documents it. */
export const decodeHexSignature = (signature: string): DecodedSignature => decodeHex(signature);

/**
 * `X-Vobiz-Signature`, whose encoding Vobiz never documented: hex in either case or
 * base64, each with or without a `sha256=` prefix.
 */
export function decodeAnySignature(signature: string): DecodedSignature {
  const start = hasPrefix(signature) ? 7 : 0;
  return signature.length - start === 64 ? decodeHex(signature, start) : decodeBase64(signature, start);
}

/** `X-Hub-Signature-256`: `sha256=` and hex, as Meta sends it. */
export const decodePrefixedSignature = (signature: string): DecodedSignature =>
  hasPrefix(signature) ? decodeHex(signature, 7) : malformed();

export const toHex = (bytes: Uint8Array): string => {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
};
