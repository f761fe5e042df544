// A redis-server of the bench's own for the queue configurations and the worker runs: a
// queue run stores tens of thousands of jobs, which other users of a shared Redis must not
// see, and its CPU time can be read on its own. No persistence: the bench compares
// receivers and workers against the same Redis, it does not measure the disk.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import Redis from 'ioredis';

let missing;
/** Why no redis-server can be started here, or undefined when the binary is on PATH. */
export function redisServerMissing() {
  missing ??=
    spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
      ? ''
      : 'no redis-server binary on PATH (Debian: apt-get install -y redis-server)';
  return missing || undefined;
}

/** A port nobody listens on right now: the OS picks it, it is released for redis-server. */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

// Whatever way the process that started it ends, even SIGKILLed (bench:instructions kills its
// servers so), its Redis must not outlive it: a shell holds the read end of a pipe from this
// process and stops redis-server when the pipe closes.
const GUARDED = 'redis-server "$@" & pid=$!; echo "redis-server pid $pid"; read _; kill $pid 2>/dev/null; wait $pid';

/**
 * Spawns redis-server with `args` under that guard and resolves once it accepts connections,
 * with the shell's child process and redis-server's own pid (for signals to it alone).
 * Ending the child's stdin stops it.
 */
export async function launchRedis(args, timeoutMs = 20_000) {
  const child = spawn('sh', ['-c', GUARDED, 'sh', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output.slice(-500)}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`));
    });
  });
  child.stdout.resume();
  return { child, pid: Number(/redis-server pid (\d+)/.exec(output)?.[1]) };
}

/**
 * Starts redis-server on a free loopback port and resolves once it accepts connections:
 * `{ port, connection, flush(), cpuSeconds(), stop() }`.
 */
export async function startRedisServer() {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  const { child } = await launchRedis(args);
  const admin = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  return {
    port,
    connection: { host: '127.0.0.1', port },
    /** Empties it: a queue configuration starts every run with no jobs. */
    flush: () => admin.flushall(),
    /** Its own CPU time so far (user + system), from INFO. */
    async cpuSeconds() {
      const info = await admin.info('cpu');
      const read = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
      return read('used_cpu_user') + read('used_cpu_sys');
    },
    async stop() {
      admin.disconnect();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}
