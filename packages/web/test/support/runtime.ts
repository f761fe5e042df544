import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
export const SERVE_DIR = join(__dirname, '..', 'runtimes', 'serve');

/**
 * The runtime's binary in its npm package (a root devDependency), or an error saying how to
 * install it: these suites fail without their runtime, never skip. A package present whose
 * binary does not run fails in `runtimeVersion`, with what the binary answered.
 */
export function runtimeBinary(pkg: string, file: string): string {
  if (!existsSync(join(ROOT, 'node_modules', pkg, 'package.json'))) {
    throw new Error(
      `${pkg} is not installed, so the handlers cannot be tested inside it. It is a root devDependency: ` +
        `run \`pnpm install\` at the repository root (or \`pnpm add -Dw ${pkg}\` if it was removed).`,
    );
  }
  // The binary itself, not the node_modules/.bin shell shim, so stopping it stops the server.
  return join(ROOT, 'node_modules', pkg, file);
}

/** `<binary> --version`, or an error that says the package is present and its binary broken. */
export function runtimeVersion(binary: string, pkg: string): string {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch (error) {
    const output = String((error as { stderr?: string }).stderr || error);
    throw new Error(`the ${pkg} package is installed but its binary does not run (${binary}):\n${output}`);
  }
}

export interface Served {
  url: string;
  stop(): Promise<void>;
}

/** Starts a server script and waits for its `listening <port>` line. */
export function serve(binary: string, args: string[], env: Record<string, string>): Promise<Served> {
  const child: ChildProcess = spawn(binary, args, {
    cwd: SERVE_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void stop().then(() => reject(new Error(`no listening line:\n${output}`))), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${port}`, stop });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on(
      'exit',
      (code) => (clearTimeout(timer), reject(new Error(`exited (${code}) before listening:\n${output}`))),
    );
  });
}
