import { readFile } from 'node:fs/promises';

/** Where a command reads and writes; the bin passes the process's, tests may pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

export const EXIT_OK = 0;
/** The check failed: a non-2xx answer, an unreachable URL, a signature that does not match. */
export const EXIT_FAILED = 1;
/** The command line itself is wrong. */
export const EXIT_USAGE = 2;

/** A mistake in the command line: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The exact bytes of a file, or of stdin for `-` or no argument (when something is piped). */
export async function readInput(path: string | undefined, io: CliIo): Promise<Buffer> {
  if (path !== undefined && path !== '-') {
    try {
      return await readFile(path);
    } catch (error) {
      throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
  }
  if (path === undefined && io.stdin.isTTY) {
    throw new UsageError('no input: pass a file, or pipe the body in (use - for stdin).');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A whole number option, with the flag's name in the error. */
export function integerOption(
  value: string | undefined,
  flag: string,
  { min, max, fallback }: { min: number; max?: number; fallback: number },
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new UsageError(`${flag} must be a whole number ≥ ${min}, got '${value}'.`);
  if (max !== undefined && number > max) throw new UsageError(`${flag} must be at most ${max}, got '${value}'.`);
  return number;
}
