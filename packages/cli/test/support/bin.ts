import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuiltPackages } from '@vobiz-webhooks/test-suites';

const packageDir = join(__dirname, '..', '..');
export const BIN = join(packageDir, 'dist', 'cli.js');

/**
 * The tests run the real built bin, which imports the built core: both built here when
 * missing or stale (`ensureBuiltPackages`).
 */
export const ensureBuiltBin = (): void => ensureBuiltPackages({ core: ['index.js'], cli: ['cli.js'] });

export interface BinRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The variables the bin reads keys from: unset in a run unless the test gives them. */
const KEY_VARIABLES = ['VOBIZ_WEBHOOK_SECRET', 'META_APP_SECRET', 'META_VERIFY_TOKEN'];

function binEnv(given: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of KEY_VARIABLES) delete env[name];
  return { ...env, ...given };
}

/** Runs `node dist/cli.js ...args` to completion. The key variables are unset unless given. */
export function runBin(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string | Buffer } = {},
): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: binEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** A long-running bin (listen), with its output so far and a way to wait for a line. */
export interface RunningBin {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  stop(): Promise<number | null>;
}

export function startBin(args: string[], env: Record<string, string> = {}): RunningBin {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: binEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => ((out.stdout += chunk), notify()));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => ((out.stderr += chunk), notify()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (notify(), resolve(code))));
  return {
    child,
    output: () => ({ ...out }),
    async waitFor(pattern, stream = 'stdout') {
      for (;;) {
        const match = out[stream].match(pattern);
        if (match) return match;
        if (child.exitCode !== null)
          throw new Error(`the bin exited (${child.exitCode}) before printing ${pattern}:\n${out.stdout}${out.stderr}`);
        await new Promise<void>((wake) => waiters.push(wake));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
