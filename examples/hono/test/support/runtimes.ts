import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { build } from 'esbuild';
import { ensureBuiltPackages } from '@vobiz-webhooks/test-suites';

const EXAMPLE = join(__dirname, '..', '..');
const ROOT = join(EXAMPLE, '..', '..');

/** A server of the example answering real HTTP on a free loopback port. */
export interface Running {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/**
 * The runtimes load the packages from node_modules, that is their `dist`, as a user's project
 * does: built here when missing or older than their sources (`pnpm test` builds first).
 */
export const ensureBuilt = (): void => ensureBuiltPackages({ core: ['index.js', 'index.web.js'], hono: ['index.js'] });

/**
 * What each script's command runs: the binary itself, not node_modules/.bin's shim, Bun and Deno
 * from the root's npm packages, tsx from this example's.
 */
const BINARIES: Record<string, string[]> = {
  tsx: [process.execPath, join(EXAMPLE, 'node_modules', 'tsx', 'dist', 'cli.mjs')],
  bun: [join(ROOT, 'node_modules', 'bun', 'bin', 'bun.exe')],
  deno: [join(ROOT, 'node_modules', 'deno', 'deno')],
};

/** `pnpm <script>`'s command line, with its binary from npm; a missing one fails, saying how to install it. */
function commandOf(script: string): string[] {
  const { scripts } = JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [name = '', ...args] = (scripts[script] ?? '').split(' ');
  const binary = BINARIES[name];
  if (binary === undefined) throw new Error(`package.json script ${script} runs ${name}, which this test cannot start`);
  const file = binary.at(-1) as string;
  if (!existsSync(file)) {
    throw new Error(`${name} is not installed (no ${file}): it is an npm devDependency here; run \`pnpm install\`.`);
  }
  return [...binary, ...args];
}

/**
 * Runs `pnpm <script>` as a user does (the package.json command, from this directory) with the secret
 * in the environment and PORT=0, and waits for the entry's `http://localhost:<port>` line.
 */
export function startScript(script: string, secret: string): Promise<Running> {
  const [program = '', ...args] = commandOf(script);
  const child = spawn(program, args, {
    cwd: EXAMPLE,
    env: { ...process.env, VOBIZ_WEBHOOK_SECRET: secret, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping it stops what it started too (tsx runs Node as a child).
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), 'SIGTERM');
    await exited;
  };
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => void stop().then(() => reject(new Error(`${script}: ${why}:\n${output}`)));
    const timer = setTimeout(() => fail('no listening line within 60 s'), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const port = /http:\/\/localhost:(\d+)\/webhooks\/vobiz/.exec(output)?.[1];
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${port}`, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => (clearTimeout(timer), reject(error)));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${script} exited (${code}):\n${output}`))));
  });
}

/** wrangler.toml's `main` and `compatibility_date`. */
function wranglerConfig(): { main: string; compatibilityDate: string } {
  const toml = readFileSync(join(EXAMPLE, 'wrangler.toml'), 'utf8');
  const value = (key: string) => {
    const found = new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, 'm').exec(toml)?.[1];
    if (found === undefined) throw new Error(`wrangler.toml has no ${key}`);
    return found;
  };
  return { main: value('main'), compatibilityDate: value('compatibility_date') };
}

/**
 * wrangler.toml's entry bundled as wrangler bundles it (packages/web/test/runtimes/workerd.test.ts):
 * the `workerd` export condition, Node built-ins left as imports so a test can see any.
 */
export async function bundleWorker(): Promise<{ code: string; inputs: string[]; imports: string[] }> {
  const result = await build({
    entryPoints: [join(EXAMPLE, wranglerConfig().main)],
    absWorkingDir: EXAMPLE,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['node:*', ...builtinModules],
    metafile: true,
    logLevel: 'silent',
  });
  const { inputs, outputs } = result.metafile;
  return {
    code: result.outputFiles[0]?.text ?? '',
    inputs: Object.keys(inputs),
    imports: Object.values(outputs).flatMap((output) => output.imports.map((i) => i.path)),
  };
}

/** The bundled Worker in workerd through miniflare, the secret given as a binding, as `env` on Workers. */
export async function startWorker(secret: string): Promise<Running> {
  const { code } = await bundleWorker();
  const { Miniflare } = await import('miniflare').catch((error: unknown) => {
    throw new Error(`miniflare (a root devDependency) is not installed; run \`pnpm install\`.\n${String(error)}`);
  });
  const mf = new Miniflare({
    modules: true,
    script: code,
    bindings: { VOBIZ_WEBHOOK_SECRET: secret },
    compatibilityDate: wranglerConfig().compatibilityDate,
    host: '127.0.0.1',
    port: 0,
    // The example's logger writes each refusal to the console: kept out of Jest's output, as the scripts' is.
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => (stdout.resume(), stderr.resume()),
  });
  const url = String(await mf.ready).replace(/\/$/, '');
  return { url, stop: () => mf.dispose() };
}
