import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createMetaReceiver,
  createReceiver,
  getHeader,
  type EventSource,
  type Logger,
  type Receiver,
  type ReceiveResult,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { nodeReceiveRequest, pathnameOf, sendNodeResult } from '@vobiz-webhooks/core/node';
import { describeAnswer, describeEventItems } from './format';
import { defaultPaths } from './source';
import { TERMINAL_LINE_MAX, terminalLines, terminalText as safe } from './terminal-text';

export interface ListenOptions {
  /** One secret, or several during a rotation: the subscription secret, or for `meta` the app's App Secret. */
  secret: string | readonly string[];
  /**
   * Who delivers: `vobiz` (default) and `vobiz-legacy` both get a receiver that takes
   * either Vobiz format; `meta` gets Meta's (createMetaReceiver), with the GET handshake.
   */
  source?: EventSource;
  /** `meta`: the Verify Token the subscription handshake must present. */
  verifyToken?: string;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default: every interface, like `app.listen(port)`. */
  host?: string;
  /** Default `/webhooks/vobiz` (`meta`: `/webhooks/meta`). */
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

/** `message.inbound <id> (vobiz-legacy)`: an event as the receiver named it, and who sent it. */
const eventHead = (event: VobizEvent) => `${safe(event.event_type)} ${safe(event.event_id)} (${safe(event.source)})`;

/** The lines a delivery's events add under its answer: one event's items, or each event and its items. */
function eventLines(events: readonly VobizEvent[]): string[] {
  if (events.length === 1) return describeEventItems(events[0] as VobizEvent).map((line) => `    ${line}`);
  return events.flatMap((event) => [
    `    ${eventHead(event)}`,
    ...describeEventItems(event).map((line) => `        ${line}`),
  ]);
}

/** The answer as JSON, when it is (a handshake answers its challenge as plain text). */
function answerJson(result: ReceiveResult): { duplicate?: boolean } | undefined {
  if (!result.headers['content-type']?.startsWith('application/json')) return undefined;
  return JSON.parse(result.body) as { duplicate?: boolean };
}

/** Meta's subscription handshake, told by its query: the challenge echoed, or refused. */
function describeHandshake(result: ReceiveResult): string {
  if (result.status === 200) return `handshake verified → 200 (hub.challenge echoed: ${safe(result.body)})`;
  return `handshake refused → ${describeAnswer(result.status, answerJson(result), result.body)}`;
}

const isHandshake = (method: string | undefined, url: string | undefined): boolean =>
  method === 'GET' && new URLSearchParams(url?.split('?')[1] ?? '').has('hub.mode');

function receiverFor(options: ListenOptions, path: string, logger: Logger): Receiver {
  // Every event is acknowledged: this tool inspects deliveries, it does not act on them.
  const on = { '*': () => undefined };
  if (options.source !== 'meta') return createReceiver({ secret: options.secret, path, logger, on });
  if (options.verifyToken === undefined) {
    throw new TypeError("vobiz-webhooks: listening for Meta needs `verifyToken`, for Meta's subscription handshake.");
  }
  return createMetaReceiver({ appSecret: options.secret, verifyToken: options.verifyToken, path, logger, on });
}
/**
 * A local receiver built on the core pipeline (same verification, schema and dedupe
 * as the middleware), which prints every delivery: its event type, id and source, the
 * messages, statuses and calls in it, and the answer it got. For Meta it also answers
 * the subscription handshake, and prints whether it verified.
 */
export async function startListener(options: ListenOptions): Promise<Listener> {
  const { port = 3000, host, path = defaultPaths[options.source ?? 'vobiz'] } = options;
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  const warn = options.warn ?? ((text: string) => process.stderr.write(`${text}\n`));
  const log = (args: unknown[]) => warn(terminalLines(args.map(String).join(' '), TERMINAL_LINE_MAX));
  const logger: Logger = { warn: (...args) => log(args), error: (...args) => log(args) };
  const receiver = receiverFor(options, path, logger);
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
        if (options.source === 'meta' && isHandshake(req.method, req.url)) {
          print(`[${time()}] ${describeHandshake(result)}`);
          return;
        }
        const events = result.events ?? (result.event ? [result.event] : []);
        const claimed = getHeader(req.headers, 'x-webhook-event');
        const unverified = claimed ? ` (X-Webhook-Event ${safe(claimed)}, not verified)` : '';
        const head =
          events.length === 1
            ? eventHead(events[0] as VobizEvent)
            : events.length > 1
              ? `${events.length} events (${safe(events[0]?.source)})`
              : `${safe(req.method)} ${safe(pathname)}${unverified}`;
        const json = answerJson(result);
        const lines = [`[${time()}] ${head} → ${describeAnswer(result.status, json, result.body)}`];
        // A duplicate's content was printed with the original.
        if (!json?.duplicate) lines.push(...eventLines(events));
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
