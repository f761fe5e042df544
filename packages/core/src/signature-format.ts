const HEX_64 = /^[0-9a-f]{64}$/i;
const HEX_VALUE: Record<string, number> = {};
for (let i = 0; i < 16; i++) {
  HEX_VALUE[i.toString(16)] = i;
  HEX_VALUE[i.toString(16).toUpperCase()] = i;
}

/**
 * Turns the header into the 32 bytes to compare. A malformed header still yields 32
 * (zero) bytes, so it goes through the same constant-time comparison as a good one
 * and is rejected by `wellFormed` afterwards, never by an early length check.
 */
export function decodeSignature(signature: string): { bytes: Uint8Array; wellFormed: boolean } {
  const bytes = new Uint8Array(32);
  const wellFormed = signature.length === 64 && HEX_64.test(signature);
  if (wellFormed) {
    for (let i = 0; i < 32; i++) {
      bytes[i] = ((HEX_VALUE[signature[2 * i] as string] as number) << 4) | (HEX_VALUE[signature[2 * i + 1] as string] as number);
    }
  }
  return { bytes, wellFormed };
}

export const toHex = (bytes: Uint8Array): string => {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
};
