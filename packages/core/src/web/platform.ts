import type { Platform } from '../receiver';
import { webVerifier } from './signature';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const webPlatform: Platform = {
  verifier: webVerifier,
  toBytes: (raw) => (typeof raw === 'string' ? encoder.encode(raw) : raw),
  toText: (bytes) => decoder.decode(bytes),
};
