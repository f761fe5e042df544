import { parseArgs, type ParseArgsConfig } from 'node:util';
import { explainSignatureMismatch, MAX_TIMER_MS, verifySignature, type EventSource } from '@vobiz-webhooks/core';
import { signedRequest, sourceOfBody } from '@vobiz-webhooks/core/testing';
import { describeResult } from './format';
import {
  listenHelp,
  mainHelp,
  queueFailedHelp,
  queueHelp,
  queueRetryHelp,
  sendHelp,
  signHelp,
  verifyHelp,
} from './help';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, integerOption, readInput, type CliIo } from './io';
import { startListener } from './listen';
import { QueueError, formatFailed, listFailed, retryFailed, type QueueTarget } from './queue';
import { SendError, sendDeliveries, type SendOptions } from './send';
import {
  checkEventType,
  defaultPaths,
  legacySignatureOptions,
  parseSource,
  resolveSourceSecrets,
  resolveVerifyToken,
  signatureAsHex,
  signatureHeaders,
  singleSourceSecret,
} from './source';
import { TERMINAL_LINE_MAX, terminalLines, terminalText } from './terminal-text';

// Error messages quote the command line, a file's content or a server's: one bounded line each.
const errorText = (error: unknown) => terminalText(error instanceof Error ? error.message : error, TERMINAL_LINE_MAX);

type Options = NonNullable<ParseArgsConfig['options']>;
const help = { help: { type: 'boolean', short: 'h' } } as const satisfies Options;
/** Who sends, and the keys: the Vobiz subscription secret, or the Meta app's App Secret. */
const sourceOptions = {
  source: { type: 'string' },
  secret: { type: 'string', multiple: true },
  'app-secret': { type: 'string', multiple: true },
} as const satisfies Options;
/** How Vobiz's earlier X-Vobiz-Signature is written (`--source vobiz-legacy`). */
const legacySigning = { encoding: { type: 'string' }, prefix: { type: 'boolean' } } as const satisfies Options;

/** util.parseArgs, with its errors turned into usage errors that name the command. */
function parse<O extends Options>(command: string, args: string[], options: O, maxPositionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(
      `${command} takes at most ${maxPositionals} argument(s), got: ${parsed.positionals.join(' ')}`,
    );
  }
  return parsed;
}

async function send(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    'send',
    args,
    {
      ...help,
      ...sourceOptions,
      ...legacySigning,
      type: { type: 'string' },
      'message-type': { type: 'string' },
      status: { type: 'string' },
      shape: { type: 'string' },
      file: { type: 'string' },
      repeat: { type: 'string' },
      duplicate: { type: 'boolean' },
      tamper: { type: 'boolean' },
      timeout: { type: 'string' },
    },
    1,
  );
  if (values.help) return printHelp(io, sendHelp);
  // Every argument is checked before a --file body is read: `--file -` waits for stdin.
  const named = parseSource(values.source);
  deliveryUrl(positionals[0], named);
  if (values.shape !== undefined && values.shape !== 'meta' && values.shape !== 'value') {
    throw new UsageError(`--shape is meta or value, got '${values.shape}'.`);
  }
  if (values.shape !== undefined && named !== 'vobiz')
    throw new UsageError(`--shape is for --source vobiz; a ${named} body has one shape.`);
  if (values.file !== undefined && values.type !== undefined)
    throw new UsageError('--file and --type exclude each other.');
  const type = values.type;
  if (type !== undefined && type !== 'all' && !/^[a-z][\w-]*(\.[\w*-]+)+$/i.test(type)) {
    throw new UsageError(
      `--type '${type}' is not an event type (message.inbound, message.status, call.connect, …, or all).`,
    );
  }
  if (type !== undefined) checkEventType(type, named);
  const file = values.file === undefined ? undefined : await readInput(values.file, io);
  // Without --source, a --file body is signed as its shape says, with that source's key.
  const detected = values.source === undefined && file !== undefined;
  const source = detected ? sourceOfBody(file) : named;
  const url = deliveryUrl(positionals[0], source);
  const options: SendOptions = {
    url,
    secret: singleSourceSecret(source, values, io, detected ? `the --file body (${source}, by its shape)` : undefined),
    source,
    ...legacySignatureOptions(source, values),
    repeat: integerOption(values.repeat, '--repeat', { min: 1, fallback: 1 }),
    timeoutMs: integerOption(values.timeout, '--timeout', { min: 1, max: MAX_TIMER_MS, fallback: 10_000 }),
    duplicate: values.duplicate ?? false,
    tamper: values.tamper ?? false,
    onResult: (result) => io.stdout(`${describeResult(result)}\n`),
    ...(type === undefined ? {} : { type }),
    ...(values['message-type'] === undefined ? {} : { messageType: values['message-type'] }),
    ...(values.status === undefined ? {} : { status: values.status }),
    ...(values.shape === undefined ? {} : { shape: values.shape }),
  };
  if (file !== undefined) options.events = [file];

  try {
    const results = await sendDeliveries(options);
    const failed = results.filter((result) => !result.ok).length;
    io.stdout(
      `${results.length} ${results.length === 1 ? 'delivery' : 'deliveries'} to ${url}: ${results.length - failed} answered 2xx, ${failed} did not.\n`,
    );
    return failed === 0 ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    if (error instanceof SendError) {
      io.stderr(`error: ${errorText(error)}\n`);
      return EXIT_FAILED;
    }
    // Deliveries the arguments make unsendable (a --file body's event_type no header can carry).
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `send`'s URL. One without a path, for Meta, goes to createMetaReceiver's default path
 * (/webhooks/meta); a Vobiz URL is used as given.
 */
function deliveryUrl(url: string | undefined, source: EventSource): string {
  if (url === undefined)
    throw new UsageError(`send needs the URL to deliver to, e.g. http://localhost:3000${defaultPaths[source]}`);
  if (!/^https?:\/\/[^/]/i.test(url))
    throw new UsageError(`the URL must start with http:// or https://, got '${url}'.`);
  if (source !== 'meta') return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL.`);
  }
  if (parsed.pathname !== '/') return url;
  parsed.pathname = defaultPaths.meta;
  return parsed.toString();
}

async function sign(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('sign', args, { ...help, ...sourceOptions, ...legacySigning }, 1);
  if (values.help) return printHelp(io, signHelp);
  const source = parseSource(values.source);
  const signing = legacySignatureOptions(source, values);
  const key = singleSourceSecret(source, values, io);
  const { headers } = signedRequest(await readInput(positionals[0], io), key, { format: source, ...signing });
  const header = signatureHeaders[source].toLowerCase() as keyof typeof headers;
  io.stdout(`${headers[header]}\n`);
  return EXIT_OK;
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    'verify',
    args,
    { ...help, ...sourceOptions, signature: { type: 'string' } },
    1,
  );
  if (values.help) return printHelp(io, verifyHelp);
  const source = parseSource(values.source);
  if (values.signature === undefined)
    throw new UsageError(`verify needs --signature <value> (the ${signatureHeaders[source]} value).`);
  const secrets = resolveSourceSecrets(source, values, io);
  const body = await readInput(positionals[0], io);
  const read = signatureAsHex(source, values.signature);
  if ('problem' in read) {
    io.stderr(`MISMATCH: the signature does not match. ${terminalText(read.problem, TERMINAL_LINE_MAX)}\n`);
    return EXIT_FAILED;
  }
  const matched = secrets.findIndex((candidate) => verifySignature(body, read.hex, candidate));
  if (matched !== -1) {
    const which = secrets.length > 1 ? ` with secret #${matched + 1}` : '';
    io.stdout(`OK: the signature matches the ${body.length}-byte body${which}.\n`);
    return EXIT_OK;
  }
  // The diagnosis reads the header as Vobiz's bare hex: for another source it gets that hex, and
  // its line about the header's shape (already checked above) is left out.
  const explanation = await explainSignatureMismatch({ signature: read.hex, body, secret: secrets });
  const lines = explanation
    .split('\n')
    // The receiver's notes (NODE_ENV, where its bytes came from) do not apply to a file read here.
    .filter((line) => !line.startsWith('  (shown because') && !line.startsWith('  raw body source:'))
    .filter((line) => source === 'vobiz' || !line.startsWith('  signature header:'))
    .map((line) =>
      line.replace('[vobiz-webhooks] X-Webhook-Signature did not verify.', 'MISMATCH: the signature does not match.'),
    );
  io.stderr(`${terminalLines(lines.join('\n'), TERMINAL_LINE_MAX)}\n`);
  return EXIT_FAILED;
}

async function listen(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(
    'listen',
    args,
    {
      ...help,
      ...sourceOptions,
      'verify-token': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      path: { type: 'string' },
    },
    0,
  );
  if (values.help) return printHelp(io, listenHelp);
  const source = parseSource(values.source);
  const port = integerOption(values.port, '--port', { min: 0, fallback: 3000 });
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}.`);
  const path = values.path ?? defaultPaths[source];
  if (!path.startsWith('/')) throw new UsageError(`--path must start with '/', got '${path}'.`);
  const secrets = resolveSourceSecrets(source, values, io);
  const verifyToken = resolveVerifyToken(source, values['verify-token'], io);

  let listener;
  try {
    listener = await startListener({
      secret: secrets,
      source,
      ...(verifyToken === undefined ? {} : { verifyToken }),
      port,
      path,
      ...(values.host === undefined ? {} : { host: values.host }),
      print: (text) => io.stdout(`${text}\n`),
      warn: (text) => io.stderr(`${text}\n`),
    });
  } catch (error) {
    // Options the receiver refused (core's construction errors): a usage error, not the port's.
    if (error instanceof TypeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(
      `error: cannot listen on port ${port}${code === 'EADDRINUSE' ? ': it is in use (pick another with --port)' : ` (${code ?? String(error)})`}.\n`,
    );
    return EXIT_FAILED;
  }
  const rotation = secrets.length > 1 ? ` (${secrets.length} secrets)` : '';
  const accepts =
    source === 'meta'
      ? 'Meta: X-Hub-Signature-256, and the GET handshake'
      : 'Vobiz: X-Webhook-Signature and the earlier X-Vobiz-Signature';
  io.stdout(`Listening on ${listener.url} (${accepts})${rotation}; Ctrl-C to stop.\n`);
  const running = listener;
  return new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().finally(() => resolve(EXIT_OK));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

const queueTargetOptions = {
  redis: { type: 'string' },
  name: { type: 'string' },
  prefix: { type: 'string' },
  timeout: { type: 'string' },
} as const satisfies Options;

function queueTarget(
  values: {
    redis?: string | undefined;
    name?: string | undefined;
    prefix?: string | undefined;
    timeout?: string | undefined;
  },
  io: CliIo,
): QueueTarget {
  const redis = values.redis ?? io.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\/./i.test(redis))
    throw new UsageError(`--redis must be a redis:// or rediss:// URL, got '${redis}'.`);
  const name = values.name ?? 'vobiz-webhooks';
  if (name === '' || name.includes(':'))
    throw new UsageError(`--name must be a queue name without ':', got '${name}'.`);
  return {
    redis,
    name,
    ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    timeoutMs: integerOption(values.timeout, '--timeout', { min: 1, max: MAX_TIMER_MS, fallback: 5_000 }),
  };
}

async function queue(args: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === '--help' || subcommand === '-h') return printHelp(io, queueHelp);
  if (subcommand !== 'failed' && subcommand !== 'retry') {
    throw new UsageError(
      subcommand === undefined
        ? 'queue needs a subcommand: failed or retry.'
        : `unknown queue subcommand '${subcommand}' (failed or retry).`,
    );
  }
  try {
    if (subcommand === 'failed') {
      const { values } = parse('queue failed', rest, { ...help, ...queueTargetOptions }, 0);
      if (values.help) return printHelp(io, queueFailedHelp);
      const target = queueTarget(values, io);
      const failed = await listFailed(target);
      if (failed.length > 0) io.stdout(`${formatFailed(failed).join('\n')}\n`);
      const where = `queue '${terminalText(target.name)}'`;
      io.stdout(failed.length === 0 ? `No failed events in ${where}.\n` : `${failed.length} failed in ${where}.\n`);
      return EXIT_OK;
    }
    const { values, positionals } = parse(
      'queue retry',
      rest,
      { ...help, ...queueTargetOptions, all: { type: 'boolean' }, 'reset-attempts': { type: 'boolean' } },
      1,
    );
    if (values.help) return printHelp(io, queueRetryHelp);
    const eventId = positionals[0];
    if (values.all === true && eventId !== undefined) throw new UsageError('pass --all or an event id, not both.');
    if (values.all !== true && eventId === undefined) throw new UsageError('queue retry needs an event id, or --all.');
    const target = queueTarget(values, io);
    const which = eventId === undefined ? ({ all: true } as const) : { eventId };
    const retried = await retryFailed(target, which, values['reset-attempts'] === true);
    for (const job of retried) io.stdout(`retried ${terminalText(job.eventId)} (${terminalText(job.eventType)})\n`);
    if (eventId !== undefined && retried.length === 0) {
      io.stderr(`error: no failed job for event ${terminalText(eventId)} in queue '${terminalText(target.name)}'.\n`);
      return EXIT_FAILED;
    }
    io.stdout(`${retried.length} retried in queue '${terminalText(target.name)}'.\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof QueueError) {
      io.stderr(`error: ${errorText(error)}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
}

function printHelp(io: CliIo, text: string): number {
  io.stdout(text);
  return EXIT_OK;
}

const commands: Record<string, { run: (args: string[], io: CliIo) => Promise<number>; help: string }> = {
  send: { run: send, help: sendHelp },
  sign: { run: sign, help: signHelp },
  verify: { run: verify, help: verifyHelp },
  listen: { run: listen, help: listenHelp },
  queue: { run: queue, help: queueHelp },
};

/** The whole command line: returns the exit code. */
export async function run(argv: string[], io: CliIo, version = '0.0.0'): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr(mainHelp);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h') return printHelp(io, mainHelp);
  if (name === 'help') return printHelp(io, commands[args[0] ?? '']?.help ?? mainHelp);
  if (name === '--version' || name === '-v') return printHelp(io, `${version}\n`);
  const command = commands[name];
  if (command === undefined) {
    io.stderr(
      `error: unknown command '${name}'. Commands: send, sign, verify, listen, queue (see vobiz-webhooks --help).\n`,
    );
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${errorText(error)}\nSee: vobiz-webhooks ${name} --help\n`);
      return EXIT_USAGE;
    }
    // A misconfigured secret (empty, surrounding whitespace) is a usage error with its own explanation.
    if (error instanceof TypeError && error.message.startsWith('vobiz-webhooks:')) {
      io.stderr(`error: ${errorText(error.message.replace(/^vobiz-webhooks: /, ''))}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`error: ${errorText(error)}\n`);
    return EXIT_FAILED;
  }
}
