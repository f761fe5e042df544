import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

let installed: boolean | undefined;
/**
 * Whether a `redis-server` binary is on PATH (tests that start, stop or pause their own
 * need it). Asked on first call, not at import: every adapter test imports this package.
 */
export function redisServerInstalled(): boolean {
  installed ??= spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  return installed;
}

/** A port nobody listens on right now: the OS picks it, we release it for the server. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface PrivateRedisOptions {
  /**
   * Keep an append-only file in this directory (`appendonly yes`, `appendfsync everysec`
   * unless `appendfsync` says otherwise), so a restart loads what was written. Without
   * it: no RDB, no AOF, empty after every start.
   */
  dir?: string;
  appendfsync?: 'always' | 'everysec' | 'no';
}

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Starts it (again) on the same port, from the append-only file when there is one. */
  start(): Promise<void>;
  /** Kills it like a crash (SIGKILL) and waits until it is gone. */
  kill(): Promise<void>;
  /** Stops it the way an operator does (SIGTERM: flushes the append-only file first) and waits until it is gone. */
  shutdown(): Promise<void>;
  /** SIGSTOP: the port stays open and connected clients stay connected, but nothing answers. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
}

/** A redis-server of the test's own on a free port, for outages, restarts and pauses the shared one must not see. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const persistence =
    options.dir === undefined
      ? ['--appendonly', 'no']
      : ['--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'everysec', '--dir', options.dir];

  async function start(): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--daemonize', 'no', ...persistence];
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server on port ${port} did not start:\n${output}`)),
        20_000,
      );
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on port ${port} exited with ${String(code)}:\n${output}`));
      });
    });
  }

  async function stop(signal: NodeJS.Signals): Promise<void> {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGCONT');
    proc.kill(signal);
    await exited;
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    kill: () => stop('SIGKILL'),
    shutdown: () => stop('SIGTERM'),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
  };
}
