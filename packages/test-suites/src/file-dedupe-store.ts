import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClaimResult, DedupeStore } from '@vobiz-webhooks/core';

export interface FileEntry {
  state: 'processing' | 'done';
  /** Epoch ms; the lease (processing) or the memory (done) ends here. */
  expiresAt: number;
  pid: number;
}

/**
 * A DedupeStore whose state lives in files, so it outlives a process killed with SIGKILL:
 * the crash tests' stand-in for a shared store when Redis is not the point. A claim is
 * an O_EXCL create (atomic across processes); taking over an expired lease replaces the
 * file by rename. One file per key, named by its SHA-256.
 */
export function fileDedupeStore(dir: string): DedupeStore & { entry(key: string): FileEntry | undefined } {
  mkdirSync(dir, { recursive: true });
  const pathOf = (key: string) => join(dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  const read = (file: string): FileEntry | undefined => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as FileEntry;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      // Half-written by a claim racing this read: someone holds it.
      return { state: 'processing', expiresAt: Number.POSITIVE_INFINITY, pid: 0 };
    }
  };
  const replace = (file: string, entry: FileEntry) => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(entry));
    renameSync(temporary, file);
  };

  return {
    claim(key, leaseMs): ClaimResult {
      const file = pathOf(key);
      const now = Date.now();
      const mine: FileEntry = { state: 'processing', expiresAt: now + leaseMs, pid: process.pid };
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
    complete(key, ttlMs) {
      replace(pathOf(key), { state: 'done', expiresAt: Date.now() + ttlMs, pid: process.pid });
    },
    release(key) {
      const file = pathOf(key);
      if (read(file)?.state === 'processing') unlinkSync(file);
    },
    entry: (key) => read(pathOf(key)),
  };
}
