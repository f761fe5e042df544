import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReceiver, getHeader, type Logger } from '@vobiz-webhooks/core';
import { nodeReceiveRequest, pathnameOf, sendNodeResult } from '@vobiz-webhooks/core/node';
import { describeAnswer, describeEventItems } from './format';
import { TERMINAL_LINE_MAX, terminalLines, terminalText as safe } from './terminal-text';

export interface ListenOptions {
  /** One secret, or several during a rotation. */
  secret: string | readonly string[];
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default: every interface, like `app.listen(port)`. */
  host?: string;
  /** Default `/webhooks/vobiz`. */
  path?: string;
  /** Where the delivery report goes. Default: stdout. */
  print?: (text: string) => void;
  /** Where the receiver's warnings (signature diagnostics) go. Default: stderr. */
  warn?: (text: string) => void;
}

export interface Listener {
  /** `http://localhost:<port><path>`, where deliveries go. */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** A host for a URL: `localhost` when listening everywhere, IPv6 in brackets. */
const displayHost = (host: string | undefined): string =>
  host === undefined || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
const time = () => new Date().toISOString().slice(11, 19);

/**
 * A local receiver built on the core pipeline (same verification, schema and dedupe
 * as the middleware), which prints every delivery: its event type and id, the
 * messages, statuses and calls in it, and the answer it got.
 */
export async function startListener(options: ListenOptions): Promise<Listener> {
  const { secret, port = 3000, host, path = '/webhooks/vobiz' } = options;
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  const warn = options.warn ?? ((text: string) => process.stderr.write(`${text}\n`));
  const log = (args: unknown[]) => warn(terminalLines(args.map(String).join(' '), TERMINAL_LINE_MAX));
  const logger: Logger = { warn: (...args) => log(args), error: (...args) => log(args) };
  // Every event is acknowledged: this tool inspects deliveries, it does not act on them.
  const receiver = createReceiver({ secret, path, logger, on: { '*': () => undefined } });
  const fix = 'The listener reads the body itself; nothing should run before it.';

  const server = createServer((req, res) => {
    const pathname = pathnameOf(req.url);
    if (!receiver.matchesPath(pathname)) {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({ ok: false, error: { code: 'not_found', message: `Deliveries go to ${receiver.path}.` } }),
      );
      print(`[${time()}] ${safe(req.method)} ${safe(pathname)} → 404 (listening on ${receiver.path})`);
      return;
    }
    receiver
      .receive(nodeReceiveRequest(req, {}, fix))
      .then((result) => {
        sendNodeResult(res, result);
        const claimed = getHeader(req.headers, 'x-webhook-event');
        const unverified = claimed ? ` (X-Webhook-Event ${safe(claimed)}, not verified)` : '';
        const head = result.event
          ? `${safe(result.event.event_type)} ${safe(result.event.event_id)}`
          : `${safe(req.method)} ${safe(pathname)}${unverified}`;
        const json = JSON.parse(result.body) as { duplicate?: boolean };
        const lines = [`[${time()}] ${head} → ${describeAnswer(result.status, json, result.body)}`];
        // A duplicate's content was printed with the original.
        if (result.event && !json.duplicate)
          lines.push(...describeEventItems(result.event).map((line) => `    ${line}`));
        print(lines.join('\n'));
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : error;
        warn(`[${time()}] could not answer: ${safe(message, TERMINAL_LINE_MAX)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${displayHost(host)}:${actualPort}${receiver.path}`,
    port: actualPort,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
