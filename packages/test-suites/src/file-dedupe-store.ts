import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaimResult, DedupeStore } from '@vobiz-webhooks/core';

export interface FileEntry {
  state: 'processing' | 'done';
  /** Epoch ms; the lease (processing) or the memory (done) ends here. */
  expiresAt: number;
  pid: number;
  /** The claim's owner (processing only): `complete` and `release` act only under it. */
  token?: string;
}

const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function checkString(operation: string, name: 'key' | 'token', value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`fileDedupeStore.${operation}: ${name} must be a non-empty string, got ${shown(value)}`);
  }
}

function checkDuration(operation: string, name: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    const problem = `${name} must be a positive safe integer of ms, got ${shown(value)}`;
    throw new TypeError(`fileDedupeStore.${operation}: ${problem}`);
  }
}

/**
 * A DedupeStore whose state lives in files, so it outlives a process killed with SIGKILL:
 * the crash tests' stand-in for a shared store when Redis is not the point. A claim is
 * an O_EXCL create (atomic across processes); taking over an expired lease, and writing
 * a done marker, replace the file by rename. One file per key, named by its SHA-256.
 * `complete` and `release` read the file and then act: two processes settling one key
 * in the same instant could interleave, which the crash tests never do (a real store
 * does each in one atomic step).
 */
export function fileDedupeStore(dir: string): DedupeStore & { entry(key: string): FileEntry | undefined } {
  mkdirSync(dir, { recursive: true });
  const pathOf = (key: string) => join(dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  const read = (file: string): FileEntry | undefined => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as FileEntry;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      // Half-written by a claim racing this read: someone (not us) holds it.
      return { state: 'processing', expiresAt: Number.POSITIVE_INFINITY, pid: 0 };
    }
  };
  const replace = (file: string, entry: FileEntry) => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(entry));
    renameSync(temporary, file);
  };

  return {
    claim(key, leaseMs, token): ClaimResult {
      checkString('claim', 'key', key);
      checkDuration('claim', 'leaseMs', leaseMs);
      checkString('claim', 'token', token);
      const file = pathOf(key);
      const now = Date.now();
      const mine: FileEntry = { state: 'processing', expiresAt: now + leaseMs, pid: process.pid, token };
      try {
        writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
        return 'claimed';
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = read(file);
      if (current !== undefined && current.expiresAt > now) return current.state === 'done' ? 'done' : 'processing';
      replace(file, mine);
      return 'claimed';
    },
    complete(key, ttlMs, token) {
      checkString('complete', 'key', key);
      checkDuration('complete', 'ttlMs', ttlMs);
      checkString('complete', 'token', token);
      const file = pathOf(key);
      const now = Date.now();
      const current = read(file);
      if (current !== undefined && current.expiresAt > now) {
        // Another copy's live claim is its own to settle; a longer memory is kept.
        if (current.state === 'processing' && current.token !== token) return;
        if (current.state === 'done' && current.expiresAt >= now + ttlMs) return;
      }
      replace(file, { state: 'done', expiresAt: now + ttlMs, pid: process.pid });
    },
    release(key, token) {
      checkString('release', 'key', key);
      checkString('release', 'token', token);
      const file = pathOf(key);
      const current = read(file);
      if (current?.state !== 'processing' || current.token !== token) return;
      try {
        unlinkSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
    entry: (key) => read(pathOf(key)),
  };
}
