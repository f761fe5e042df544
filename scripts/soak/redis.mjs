// A redis-server of the soak's own, with an append-only file, so it can be killed and
// restarted mid-run without touching a Redis anyone else uses.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { freePort, launchRedis } from '../../bench/lib/redis-server.mjs';

export const redisServerInstalled = () => spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

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
    const launched = await launchRedis(args, 60_000);
    child = launched.child;
    child.redisPid = launched.pid;
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
