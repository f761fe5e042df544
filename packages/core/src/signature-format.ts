// Hex digit values by char code (-1: not hex). A typed-array lookup by char code, not a
// regex plus string-keyed lookups: this runs on every delivery and was ~1/3 of verify's cost.
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const hexValue = (code: number): number => (code < 128 ? (HEX_VALUE[code] as number) : -1);

/**
 * Turns the header into the 32 bytes to compare. A malformed header still yields 32
 * (zero) bytes, so it goes through the same constant-time comparison as a good one
 * and is rejected by `wellFormed` afterwards, never by an early length check.
 */
export function decodeSignature(signature: string): { bytes: Uint8Array; wellFormed: boolean } {
  const bytes = new Uint8Array(32);
  let wellFormed = signature.length === 64;
  if (wellFormed) {
    for (let i = 0; i < 32; i++) {
      const high = hexValue(signature.charCodeAt(2 * i));
      const low = hexValue(signature.charCodeAt(2 * i + 1));
      if ((high | low) < 0) wellFormed = false;
      bytes[i] = (high << 4) | low;
    }
    if (!wellFormed) bytes.fill(0);
  }
  return { bytes, wellFormed };
}

export const toHex = (bytes: Uint8Array): string => {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
};
