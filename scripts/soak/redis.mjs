// A redis-server of the soak's own, with an append-only file, so it can be killed and
// restarted mid-run without touching a Redis anyone else uses.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export const redisServerInstalled = () => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

// Even if the soak is SIGKILLed its Redis must not outlive it: a shell holds the read end of a
// pipe from this process and stops redis-server when the pipe closes.
const GUARDED = 'redis-server "$@" & pid=$!; echo "redis-server pid $pid"; read _; kill $pid 2>/dev/null; wait $pid';

/**
 * `appendonly yes` with the default `appendfsync everysec` (what the queue mode's README asks
 * for), `noeviction`, no RDB snapshots. `start()` again after `kill()` loads the append-only file.
 */
export async function startPrivateRedis(dir) {
  const port = await freePort();
  let child;
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--save', ''],
    ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--dir', dir],
  ];

  async function start() {
    const proc = spawn('sh', ['-c', GUARDED, 'sh', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output.slice(-500)}`)), 60_000);
      proc.stdout.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          proc.redisPid = Number(/redis-server pid (\d+)/.exec(output)?.[1]);
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output.slice(-500)}`));
      });
    });
    proc.stdout.resume();
  }

  async function stop(signal) {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    process.kill(proc.redisPid, signal);
    proc.stdin.end();
    await exited;
  }

  await start();
  return {
    port,
    connection: { host: '127.0.0.1', port },
    start,
    /** Like a crash: SIGKILL, nothing flushed on the way out. */
    kill: () => stop('SIGKILL'),
    shutdown: () => stop('SIGTERM'),
  };
}
