/**
 * A 106-bit hash of a string (two 53-bit lanes of cyrb53), as hex: a dedupe key for
 * Meta changes that carry no id of their own. Not a MAC: the body it hashes is already
 * signed. Synchronous and free of `node:` imports, so every runtime computes the same key.
 */
export function contentHash(text: string): string {
  return lane(text, 0x9e3779b9) + lane(text, 0x85ebca6b);
}

function lane(text: string, seed: number): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
