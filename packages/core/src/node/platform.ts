import type { Platform } from '../receiver';
import { nodeVerifier } from './signature';

export const nodePlatform: Platform = {
  verifier: nodeVerifier,
  toBytes: (raw) => (typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw),
  toText: (bytes) =>
    (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('utf8'),
};
