// Starting one bench server process (bench/servers/*.mjs), shared by bench/run.mjs and
// bench/instructions.mjs: spawn it, wait for its `READY <port>` line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const serversDir = fileURLToPath(new URL('../servers/', import.meta.url));
const lastLines = (text) => text.trim().split('\n').slice(-3).join(' | ');

/**
 * Starts `config`'s server and resolves with `{ child, port, stderr() }` once it prints
 * `READY <port>`. `wrapper` goes before `node` (e.g. valgrind and its options); `ipc`
 * opens the channel run.mjs asks for CPU statistics over.
 */
export function startServer(config, { wrapper = [], ipc = true, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    // The request kind goes along (servers/common.mjs `KIND`): a peer that serves more than one
    // kind of delivery (whatsapp-api-js) mounts itself at that kind's path. `answer` is the answer a
    // hand-written route gives (servers/common.mjs `ANSWER`).
    const server = `${serversDir}${config.server}`;
    const [command, ...args] = [
      ...wrapper,
      process.execPath,
      server,
      config.kind,
      ...(config.answer ? [config.answer] : []),
    ];
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])] });
    let stderr = '';
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not start within ${timeoutMs / 1000} s${stderr ? `: ${lastLines(stderr)}` : ''}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /READY (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), stderr: () => stderr });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${lastLines(stderr) || 'no output'}`));
    });
  });
}
