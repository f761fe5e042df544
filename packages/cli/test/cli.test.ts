import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { messagesOf, signPayload, statusesOf, verifySignature, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest, testMessageKinds } from '@vobiz-webhooks/core/testing';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { ensureBuiltBin, runBin, startBin } from './support/bin';

jest.setTimeout(60_000);

const SECRET = 'whsec_cli_test_secret';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
}

// A real Express app with the real middleware: what the CLI is for.
const received: Received[] = [];
const handled: VobizEvent[] = [];
let server: Server;
let url: string;
let tmp: string;

beforeAll(async () => {
  ensureBuiltBin();
  tmp = mkdtempSync(join(tmpdir(), 'vobiz-cli-'));
  const app = express();
  // express.raw keeps the exact bytes for the middleware and lets the test see them too.
  app.use(express.raw({ type: '*/*' }), (req, _res, next) => {
    received.push({ headers: req.headers, raw: req.body as Buffer });
    next();
  });
  app.use(
    vobizWebhook({
      secret: SECRET,
      logger: false,
      on: {
        '*': (event) => {
          handled.push(event);
          if (event.event_type === 'call.fails') throw new Error('handler failure on purpose');
        },
      },
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/vobiz`;
});

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
  handled.length = 0;
});

describe('help and bad arguments', () => {
  it.each(['send', 'sign', 'verify', 'listen'])('%s --help prints its usage and exits 0', async (command) => {
    const { code, stdout } = await runBin([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: vobiz-webhooks ${command}`);
  });

  it('--help lists the commands; no command at all is a usage error (2)', async () => {
    const help = await runBin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/send <url>[\s\S]*sign[\s\S]*verify[\s\S]*listen/);
    const none = await runBin([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
  });

  it.each<[string[], string]>([
    [['deliver', 'http://localhost:1/x'], "unknown command 'deliver'"],
    [['send', 'http://localhost:1/x', '--secret', 's', '--bogus'], "Unknown option '--bogus'"],
    [['send', '--secret', 's'], 'send needs the URL'],
    [['send', 'localhost:3000/webhooks/vobiz', '--secret', 's'], 'must start with http:// or https://'],
    [['send', 'http://localhost:1/x', '--secret', 's', '--repeat', '0'], '--repeat must be a whole number ≥ 1'],
    // A timer waits at most 2^31-1 ms: past it, Node's setTimeout would fire at once.
    [
      ['send', 'http://localhost:1/x', '--secret', 's', '--timeout', '99999999999'],
      '--timeout must be at most 2147483647',
    ],
    [['queue', 'failed', '--timeout', '2147483648'], '--timeout must be at most 2147483647'],
    [['send', 'http://localhost:1/x', '--secret', 's', '--shape', 'flat'], '--shape is meta or value'],
    [['send', 'http://localhost:1/x', '--secret', 's', '--type', 'message received'], 'is not an event type'],
    [['send', 'http://localhost:1/x'], 'no secret: pass --secret <secret> or set VOBIZ_WEBHOOK_SECRET'],
    [['sign', '--secret', ' padded'], 'leading or trailing whitespace'],
    [['sign', join(__dirname, 'no-such-file.json'), '--secret', 's'], 'cannot read'],
    [['verify', '--secret', 's', '-'], 'verify needs --signature'],
    [['listen', '--secret', 's', '--port', 'abc'], '--port must be a whole number'],
    [['listen', '--secret', 's', '--path', 'hooks'], "--path must start with '/'"],
    ...['send http://localhost:1/x', 'sign', 'verify --signature ab', 'listen'].map((command): [string[], string] => [
      [...command.split(' '), '--secret', 's', '--source', 'whatsapp'],
      "--source is vobiz, vobiz-legacy or meta, got 'whatsapp'",
    ]),
    [
      ['send', 'http://localhost:1/x', '--source', 'meta', '--secret', 's'],
      '--secret is the Vobiz subscription secret; --source meta is signed with the Meta app',
    ],
    [['send', 'http://localhost:1/x', '--app-secret', 'a'], '--app-secret is the Meta app'],
    [
      ['send', 'http://localhost:1/x', '--source', 'meta'],
      'no secret: pass --app-secret <secret> or set META_APP_SECRET',
    ],
    [['send', '--source', 'meta', '--app-secret', 'a'], 'e.g. http://localhost:3000/webhooks/meta'],
    [['send', 'http://localhost:1/x', '--secret', 's', '--encoding', 'hex'], '--encoding is for --source vobiz-legacy'],
    [['sign', '--source', 'meta', '--app-secret', 'a', '--prefix'], '--prefix is for --source vobiz-legacy'],
    [
      ['send', 'http://localhost:1/x', '--source', 'vobiz-legacy', '--secret', 's', '--encoding', 'b64'],
      "--encoding is hex, HEX or base64, got 'b64'",
    ],
    [
      ['send', 'http://localhost:1/x', '--source', 'vobiz-legacy', '--secret', 's', '--type', 'call.connect'],
      "Vobiz's earlier envelope has no call events",
    ],
    [
      ['send', 'http://localhost:1/x', '--secret', 's', '--type', 'message.delivered'],
      'pass --source vobiz-legacy, or --type message.status --status delivered',
    ],
    [
      ['send', 'http://localhost:1/x', '--source', 'meta', '--app-secret', 'a', '--type', 'campaign.completed'],
      "an event of Vobiz's earlier envelope, not Meta's",
    ],
    [
      ['send', 'http://localhost:1/x', '--source', 'meta', '--app-secret', 'a', '--shape', 'value'],
      '--shape is for --source vobiz',
    ],
    [
      ['listen', '--source', 'meta', '--app-secret', 'a'],
      'no verify token: pass --verify-token <token> or set META_VERIFY_TOKEN',
    ],
    [['listen', '--secret', 's', '--verify-token', 't'], '--verify-token is for --source meta'],
  ])('%j exits 2 and says what is wrong', async (args, message) => {
    const { code, stderr, stdout } = await runBin(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
  });
});

describe('send', () => {
  it('posts one signed delivery with the headers Vobiz sends, and prints the answer', async () => {
    const { code, stdout } = await runBin([
      'send',
      url,
      '--secret',
      SECRET,
      '--type',
      'message.status',
      '--status',
      'read',
    ]);
    expect(code).toBe(0);
    expect(received).toHaveLength(1);
    const [delivery] = received as [Received];
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-webhook-event']).toBe('message.status');
    expect(verifySignature(delivery.raw, delivery.headers['x-webhook-signature'] as string, SECRET)).toBe(true);
    expect(delivery.headers['x-webhook-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(handled).toHaveLength(1);
    expect(statusesOf(handled[0] as VobizEvent).map((s) => s.status)).toEqual(['read']);
    expect(stdout).toContain(`✓ message.status (read) ${(handled[0] as VobizEvent).event_id} → 200 ok`);
    expect(stdout).toContain('1 delivery to');
  });

  it('--type all sends every event type, every message kind and every status', async () => {
    const { code, stdout } = await runBin(['send', url, '--secret', SECRET, '--type', 'all']);
    expect(code).toBe(0);
    const total = testMessageKinds.length + 5 + 3;
    expect(handled).toHaveLength(total);
    expect(stdout).toContain(`${total} deliveries to ${url}: ${total} answered 2xx, 0 did not.`);
    const inbound = handled.filter((e) => e.event_type === 'message.inbound').flatMap(messagesOf);
    // Each kind's message type (list_reply and nfm_reply are interactive messages).
    expect(new Set(inbound.map((m) => m.type))).toEqual(
      new Set(testMessageKinds.map((kind) => (kind === 'list_reply' || kind === 'nfm_reply' ? 'interactive' : kind))),
    );
    expect(inbound).toHaveLength(testMessageKinds.length);
    const statuses = handled.filter((e) => e.event_type === 'message.status').flatMap(statusesOf);
    expect(statuses.map((s) => s.status).sort()).toEqual(['delivered', 'failed', 'played', 'read', 'sent']);
    expect(handled.filter((e) => e.event_type.startsWith('call.')).map((e) => e.event_type)).toEqual([
      'call.connect',
      'call.status_change',
      'call.terminate',
    ]);
    expect(new Set(handled.map((e) => e.event_id)).size).toBe(total);
  });

  it('--duplicate resends the same bytes; the handler runs once and the copy is acknowledged as a duplicate', async () => {
    const { code, stdout } = await runBin(['send', url, '--secret', SECRET, '--duplicate']);
    expect(code).toBe(0);
    expect(received).toHaveLength(2);
    expect((received[1] as Received).raw.equals((received[0] as Received).raw)).toBe(true);
    expect(handled).toHaveLength(1);
    expect(stdout).toContain('message.inbound (text), duplicate');
    expect(stdout).toContain('200 duplicate (already handled)');
  });

  it('--repeat sends fresh event ids each time', async () => {
    const { code } = await runBin(['send', url, '--secret', SECRET, '--type', 'call.connect', '--repeat', '3']);
    expect(code).toBe(0);
    expect(handled.map((e) => e.event_type)).toEqual(['call.connect', 'call.connect', 'call.connect']);
    expect(new Set(handled.map((e) => e.event_id)).size).toBe(3);
  });

  it('--file sends the envelope byte for byte (whitespace and escapes kept), from a file or stdin', async () => {
    const event = createTestEvent('message.inbound', { event_id: 'file-event-1' });
    const bytes = `{\n  "event_id": "file-event-1",  "event_type": "message.inbound", "account_id": "MA_FILE", "occurred_at": "${event.occurred_at}",\n "payload": ${JSON.stringify(event.payload).replace('Málaga', 'M\\u00e1laga')}\n}\n`;
    const path = join(tmp, 'event.json');
    writeFileSync(path, bytes);
    const fromFile = await runBin(['send', url, '--secret', SECRET, '--file', path]);
    expect(fromFile.code).toBe(0);
    expect((received[0] as Received).raw.toString('utf8')).toBe(bytes);
    expect((received[0] as Received).headers['x-webhook-event']).toBe('message.inbound');
    expect(handled[0]?.event_id).toBe('file-event-1');

    // The same event again, from stdin: now a duplicate.
    const fromStdin = await runBin(['send', url, '--secret', SECRET, '--file', '-'], { stdin: bytes });
    expect(fromStdin.code).toBe(0);
    expect((received[1] as Received).raw.toString('utf8')).toBe(bytes);
    expect(fromStdin.stdout).toContain('file-event-1 → 200 duplicate');
  });

  it('a --file body whose event_type no header can carry is a usage error saying so, and nothing is sent', async () => {
    for (const type of ['message.inbound ✓', 'message.inbound\u001b[2J', 'message.inbound ']) {
      const path = join(tmp, 'unsendable.json');
      writeFileSync(path, JSON.stringify({ ...createTestEvent('message.inbound'), event_type: type }));
      const run = await runBin(['send', url, '--secret', SECRET, '--file', path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("which an HTTP header cannot carry as it is (it repeats the body's event_type)");
      expect(run.stderr).not.toContain('could not reach');
      expect(run.stderr).not.toContain('\u001b');
    }
    expect(received).toEqual([]);
  });

  it('exits 1 on a non-2xx answer and prints the error code', async () => {
    const wrong = await runBin(['send', url, '--secret', 'not-the-secret']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/✗ message\.inbound \(text\) \S+ → 401 invalid_signature/);
    expect(wrong.stdout).toContain('0 answered 2xx, 1 did not.');

    const failing = await runBin(['send', url, '--secret', SECRET, '--type', 'call.fails']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('→ 500 handler_failed');
  });

  it('--tamper changes the body after signing, and the endpoint refuses it', async () => {
    const { code, stdout } = await runBin(['send', url, '--secret', SECRET, '--tamper']);
    expect(code).toBe(1);
    expect(stdout).toContain('tampered');
    expect(stdout).toContain('401 invalid_signature');
    expect(handled).toHaveLength(0);
  });

  it('exits 1 with a clear message when the URL cannot be reached', async () => {
    const closed = express().listen(0, '127.0.0.1');
    await new Promise((resolve) => closed.once('listening', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { code, stderr } = await runBin(['send', `http://127.0.0.1:${port}/webhooks/vobiz`, '--secret', SECRET]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `could not reach http://127.0.0.1:${port}/webhooks/vobiz (ECONNREFUSED): is the server running on that port?`,
    );
  });

  it('takes the secret from VOBIZ_WEBHOOK_SECRET when there is no flag', async () => {
    const { code } = await runBin(['send', url], { env: { VOBIZ_WEBHOOK_SECRET: SECRET } });
    expect(code).toBe(0);
    expect(handled).toHaveLength(1);
  });
});

describe('sign and verify', () => {
  const body = '{"event_type":"message.inbound","text":"Olá 👋"}\n';
  let file: string;
  beforeAll(() => {
    file = join(tmp, 'body.json');
    writeFileSync(file, body);
  });

  it('sign prints the hex HMAC of the exact bytes, trailing newline included', async () => {
    const fromFile = await runBin(['sign', file, '--secret', SECRET]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(`${signPayload(body, SECRET)}\n`);
    expect(fromFile.stdout.trim()).not.toBe(signPayload(body.trimEnd(), SECRET));

    const fromStdin = await runBin(['sign', '-'], { stdin: body, env: { VOBIZ_WEBHOOK_SECRET: SECRET } });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(`${signPayload(body, SECRET)}\n`);
  });

  it('verify exits 0 on a match, from a file or stdin, and says which of several secrets matched', async () => {
    const signature = signPayload(body, SECRET);
    const match = await runBin(['verify', file, '--secret', SECRET, '--signature', signature]);
    expect(match.code).toBe(0);
    expect(match.stdout).toContain(`OK: the signature matches the ${Buffer.byteLength(body)}-byte body`);

    const rotation = await runBin(['verify', '-', '--secret', 'old', '--secret', SECRET, '--signature', signature], {
      stdin: body,
    });
    expect(rotation.code).toBe(0);
    expect(rotation.stdout).toContain('with secret #2');
  });

  it('verify exits 1 on a mismatch and says why, without printing the secret', async () => {
    const wrong = await runBin(['verify', file, '--secret', SECRET, '--signature', signPayload(body, 'other')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('MISMATCH: the signature does not match. Likely cause:');
    expect(wrong.stderr).toContain(`body: ${Buffer.byteLength(body)} bytes, sha256`);

    const prefixed = await runBin(
      ['verify', '-', '--secret', SECRET, '--signature', `sha256=${signPayload(body, SECRET)}`],
      {
        stdin: body,
      },
    );
    expect(prefixed.code).toBe(1);
    expect(prefixed.stderr).toContain("prefixed with 'sha256='");

    const newline = await runBin([
      'verify',
      file,
      '--secret',
      SECRET,
      '--signature',
      signPayload(body.trimEnd(), SECRET),
    ]);
    expect(newline.code).toBe(1);
    expect(newline.stderr).toContain('matches the body without its trailing newline');

    for (const run of [wrong, prefixed, newline]) expect(run.stderr + run.stdout).not.toContain(SECRET);
  });
});

describe('listen', () => {
  it('receives real deliveries, prints what is in them and the answer, and explains a bad signature', async () => {
    const listener = startBin(['listen', '--port', '0', '--path', '/hooks/wa'], { VOBIZ_WEBHOOK_SECRET: SECRET });
    try {
      const [, listening] = await listener.waitFor(/Listening on (http:\/\/localhost:\d+\/hooks\/wa)/);
      const target = listening as string;
      const sent = await runBin(['send', target, '--secret', SECRET, '--type', 'message.inbound', '--duplicate']);
      expect(sent.code).toBe(0);
      const [, eventId] = sent.stdout.match(/message\.inbound \(text\) (\S+) → 200 ok/) ?? [];
      expect(eventId).toBeDefined();
      await listener.waitFor(/duplicate \(already handled\)/);
      const { stdout } = listener.output();
      expect(stdout).toContain(`message.inbound ${eventId} (vobiz) → 200 ok`);
      expect(stdout).toContain('message text "Hola! ¿Tienen envío a Málaga? 🚚" from 16505551234');
      expect(stdout).toContain('contact Ana García (16505551234)');
      expect(stdout).toContain(`message.inbound ${eventId} (vobiz) → 200 duplicate (already handled)`);

      const call = await runBin(['send', target, '--secret', SECRET, '--type', 'call.terminate']);
      expect(call.code).toBe(0);
      await listener.waitFor(/call terminate wacid\.\S+ 16505551234 → 15550783881 COMPLETED USER_INITIATED 95s/);

      const bad = await runBin(['send', target, '--secret', 'wrong-secret', '--type', 'message.status']);
      expect(bad.code).toBe(1);
      await listener.waitFor(/\(X-Webhook-Event message\.status, not verified\) → 401 invalid_signature/);
      await listener.waitFor(/did not verify\. Likely cause/, 'stderr');
      expect(listener.output().stderr).not.toContain(SECRET);

      const elsewhere = await fetch(target.replace('/hooks/wa', '/other'), { method: 'POST' });
      expect(elsewhere.status).toBe(404);
      await listener.waitFor(/POST \/other → 404 \(listening on \/hooks\/wa\)/);
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });

  it('exits 1 when the port is taken', async () => {
    const busy = express().listen(0);
    await new Promise((resolve) => busy.once('listening', resolve));
    try {
      const { port } = busy.address() as AddressInfo;
      const { code, stderr } = await runBin(['listen', '--port', String(port), '--secret', SECRET]);
      expect(code).toBe(1);
      expect(stderr).toContain(`cannot listen on port ${port}: it is in use`);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});

describe('text from senders and servers is escaped before it reaches the terminal', () => {
  const OSC_TITLE = '\x1b]0;pwned\x07';
  const CLEAR = '\x1b[2J';
  const FAKE_LINE = '\r[12:00:00] POST /webhooks/vobiz → 200';
  const C1_CSI = '\u009b31m';
  const hostile = (label: string) => `${label}${OSC_TITLE}${CLEAR}${FAKE_LINE}${C1_CSI}\u202e\u2028`;
  const ESCAPED = ['\\x1b]0;pwned\\x07', '\\x1b[2J', '\\r[12:00:00] POST /webhooks/vobiz → 200', '\\u009b31m'];
  ESCAPED.push('\\u202e', '\\u2028');
  const escapedHostile = (label: string) => `${label}${ESCAPED.join('')}`;
  // Each value is at most 200 characters; a line holds a few of them and the CLI's own words.
  const MAX_LINE = 1_100;
  // A control a terminal acts on (the CLI's own \n between lines aside), a bidi override, U+FFFD (a lone surrogate).
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffd]/;

  function expectTerminalSafe(output: string): void {
    const raw = output.match(RAW);
    expect(raw && `U+${(raw[0].codePointAt(0) as number).toString(16).padStart(4, '0')} at ${raw.index}`).toBeNull();
    expect(Math.max(...output.split('\n').map((line) => line.length))).toBeLessThanOrEqual(MAX_LINE);
  }

  /** A request written byte by byte, for header bytes fetch would not send as they are. */
  function rawRequest(port: number, head: string, body = ''): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, 'localhost');
      let answer = '';
      socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
      socket.on('error', reject).on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
      const bytes = Buffer.from(body, 'utf8');
      const headers = Buffer.from(`${head}Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`, 'latin1');
      // Written, not ended: Node's server drops a half-closed connection before an async answer.
      socket.write(Buffer.concat([headers, bytes]));
    });
  }

  const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
  const now = () => String(Math.floor(Date.now() / 1000));
  const textMessage = (from: string, id: string, body: string) => {
    return { from, id, timestamp: now(), type: 'text', text: { body } };
  };

  it('listen escapes and shortens every field of a delivery, and the unverified X-Webhook-Event', async () => {
    const listener = startBin(['listen', '--port', '0'], { VOBIZ_WEBHOOK_SECRET: SECRET });
    try {
      const listening = /Listening on (http:\/\/localhost:(\d+)\/webhooks\/vobiz)/;
      const [, target = '', port = ''] = await listener.waitFor(listening);
      const post = async (event: object) => {
        const body = JSON.stringify(event);
        const headers = { 'content-type': 'application/json', 'x-webhook-signature': signPayload(body, SECRET) };
        return (await fetch(target, { method: 'POST', headers, body })).status;
      };

      const inbound = createTestEvent('message.inbound', {
        event_id: hostile('evt-'),
        payload: {
          messaging_product: 'whatsapp',
          metadata,
          contacts: [{ profile: { name: hostile('name-') }, wa_id: hostile('wa-') }],
          messages: [
            textMessage(hostile('from-'), hostile('wamid-'), hostile('text-')),
            textMessage('16505551234', 'wamid.long', `${hostile('long-')}${'z'.repeat(20_000)}`),
          ],
        },
      });
      expect(await post(inbound)).toBe(200);
      const failed = { id: hostile('st-'), status: hostile('status-'), timestamp: now(), recipient_id: hostile('to-') };
      const status = createTestEvent('message.status', {
        payload: {
          messaging_product: 'whatsapp',
          metadata,
          statuses: [{ ...failed, errors: [{ code: 131000, title: hostile('err-') }] }],
        },
      });
      expect(await post(status)).toBe(200);
      const callType = `call.${hostile('type-')}`;
      const fields = { id: hostile('wacid-'), event: hostile('ev-'), from: hostile('a-'), to: hostile('b-') };
      const more = { status: hostile('cs-'), direction: hostile('dir-'), duration: hostile('d-') };
      const calls = [{ ...fields, ...more }];
      const call = createTestEvent(callType, { payload: { messaging_product: 'whatsapp', metadata, calls } });
      expect(await post(call)).toBe(200);

      // Node's parser refuses ESC, CR, LF and DEL in a header, but lets tabs and bytes ≥ 0x80 through (read as latin1).
      const claimed = `message.status\t${C1_CSI}\x85${Buffer.from('\u202e', 'utf8').toString('latin1')}`;
      const head = `POST /webhooks/vobiz HTTP/1.1\r\nHost: localhost\r\n`;
      expect(await rawRequest(Number(port), `${head}X-Webhook-Event: ${claimed}\r\n`, '{}')).toContain(' 401 ');
      // A signed body whose event_type the header contradicts: the receiver's answer quotes both.
      const body = JSON.stringify(createTestEvent(callType, { payload: call.payload }));
      const signed = `${head}Content-Type: application/json\r\nX-Webhook-Signature: ${signPayload(body, SECRET)}\r\n`;
      expect(await rawRequest(Number(port), `${signed}X-Webhook-Event: call.x${C1_CSI}\r\n`, body)).toContain(' 400 ');
      // Output arrives in order: once this line is in, so is everything before it.
      await fetch(target.replace('/webhooks/vobiz', '/done'), { method: 'POST' });
      await listener.waitFor(/POST \/done → 404/);

      const { stdout, stderr } = listener.output();
      expectTerminalSafe(stdout);
      expectTerminalSafe(stderr);
      const labels = ['evt-', 'name-', 'wa-', 'from-', 'wamid-', 'text-', 'st-', 'status-', 'to-', 'err-'];
      for (const label of [...labels, 'type-', 'wacid-', 'ev-', 'a-', 'b-', 'cs-', 'dir-', 'd-']) {
        expect(stdout).toContain(escapedHostile(label));
      }
      const [from, wamid] = [escapedHostile('from-'), escapedHostile('wamid-')];
      expect(stdout).toContain(`message text "${escapedHostile('text-')}" from ${from} ${wamid}`);
      expect(stdout).toContain(`contact ${escapedHostile('name-')} (${escapedHostile('wa-')})`);
      expect(stdout).toMatch(/message text "long-\\x1b.*z… \(\+\d+ chars\)" from 16505551234 wamid\.long/);
      expect(stdout).toContain(
        '(X-Webhook-Event message.status\\t\\u009b31m\\u0085â\\u0080®, not verified) → 401 missing_signature',
      );
      // The receiver's own message quotes both types escaped, and shortens the long one.
      const mismatch = `X-Webhook-Event 'call.x\\u009b31m' does not match the body's event_type 'call.type-\\x1b]0;pwned\\x07`;
      expect(stdout).toContain(`400 event_type_mismatch: ${mismatch}`);
      expect(stdout).toMatch(/event_type 'call\.type-[^']*… \(\+\d+ chars\)'/);
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });

  it('listen --source meta escapes the fields of a Meta delivery and what a refused handshake sent', async () => {
    const env = { META_APP_SECRET: SECRET, META_VERIFY_TOKEN: 'token' };
    const listener = startBin(['listen', '--source', 'meta', '--port', '0'], env);
    try {
      const [, target = ''] = await listener.waitFor(/Listening on (http:\/\/localhost:\d+\/webhooks\/meta)/);
      const value = {
        messaging_product: 'whatsapp',
        metadata,
        contacts: [{ profile: { name: hostile('name-') }, wa_id: hostile('from-') }],
        messages: [textMessage(hostile('from-'), hostile('wamid-'), hostile('text-'))],
      };
      const body = {
        object: 'whatsapp_business_account',
        entry: [{ id: hostile('waba-'), changes: [{ field: 'messages', value }] }],
      };
      const signed = signedRequest(body, SECRET);
      expect((await fetch(target, { method: 'POST', headers: signed.headers, body: signed.body })).status).toBe(200);
      const query = (token: string, challenge: string) =>
        new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': challenge });
      expect((await fetch(`${target}?${query(hostile('token-'), '1').toString()}`)).status).toBe(403);
      expect((await fetch(`${target}?${query('token', hostile('challenge-')).toString()}`)).status).toBe(400);
      await fetch(target.replace('/webhooks/meta', '/done'), { method: 'POST' });
      await listener.waitFor(/POST \/done → 404/);

      const { stdout, stderr } = listener.output();
      expectTerminalSafe(stdout);
      expectTerminalSafe(stderr);
      const [from, wamid] = [escapedHostile('from-'), escapedHostile('wamid-')];
      expect(stdout).toContain(`message.inbound ${wamid} (meta) → 200 ok`);
      expect(stdout).toContain(`message text "${escapedHostile('text-')}" from ${from} ${wamid}`);
      expect(stdout).toContain(`contact ${escapedHostile('name-')} (${from})`);
      expect(stdout).toContain('handshake refused → 403 verification_failed');
      expect(stdout).toContain('handshake refused → 400 invalid_challenge');
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });

  it('send escapes and shortens what a server answers: a JSON error message, a non-JSON body, from any source', async () => {
    const error = { code: hostile('code-'), message: `${hostile('msg-')}${'m'.repeat(20_000)}` };
    const jsonError = { status: 500, type: 'application/json', body: JSON.stringify({ ok: false, error }) };
    const answers = [
      jsonError,
      { status: 502, type: 'text/html', body: `${hostile('<html>')}${'h'.repeat(20_000)}` },
      jsonError,
      jsonError,
    ];
    const hostileServer = createServer((req, res) => {
      req.resume().on('end', () => {
        const answer = answers.shift() ?? { status: 500, type: 'text/plain', body: 'no more answers' };
        res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => hostileServer.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(hostileServer.address() as AddressInfo).port}/webhooks/vobiz`;
      // The event id shown comes from the file, which may come from anywhere too.
      const file = join(tmp, 'hostile-event.json');
      writeFileSync(file, JSON.stringify(createTestEvent('message.inbound', { event_id: hostile('file-') })));
      const json = await runBin(['send', target, '--secret', SECRET, '--file', file]);
      expect(json.code).toBe(1);
      expectTerminalSafe(json.stdout + json.stderr);
      const [id, code, message] = [escapedHostile('file-'), escapedHostile('code-'), escapedHostile('msg-')];
      expect(json.stdout).toContain(`✗ message.inbound ${id} → 500 ${code}: ${message}m`);
      expect(json.stdout).toMatch(/m… \(\+\d+ chars\) \(\d+ ms\)\n/);
      expect(json.stdout.length).toBeLessThan(2_000);

      const html = await runBin(['send', target, '--secret', SECRET]);
      expect(html.code).toBe(1);
      expectTerminalSafe(html.stdout + html.stderr);
      expect(html.stdout).toContain(`→ 502 ${escapedHostile('<html>')}h`);
      expect(html.stdout).toMatch(/h… \(\+\d+ chars\) \(\d+ ms\)\n/);
      expect(html.stdout.length).toBeLessThan(2_000);

      // A Meta body's id shown is its first item's; the earlier envelope's is its event_id.
      const metaFile = join(tmp, 'hostile-meta.json');
      const metaBody = createTestEvent('message.inbound', { format: 'meta' });
      const change = metaBody.entry[0]?.changes?.[0] as { value: { messages: { id: string }[] } };
      (change.value.messages[0] as { id: string }).id = hostile('wamid-');
      writeFileSync(metaFile, JSON.stringify(metaBody));
      const legacyFile = join(tmp, 'hostile-legacy.json');
      const legacyBody = createTestEvent('message.status', { format: 'vobiz-legacy', event_id: hostile('evt-') });
      writeFileSync(legacyFile, JSON.stringify(legacyBody));
      const runs = [
        [['--source', 'meta', '--app-secret', SECRET, '--file', metaFile], escapedHostile('wamid-')],
        [['--source', 'vobiz-legacy', '--secret', SECRET, '--file', legacyFile], escapedHostile('evt-')],
      ] as const;
      for (const [args, escapedId] of runs) {
        const run = await runBin(['send', target, ...args]);
        expect(run.code).toBe(1);
        expectTerminalSafe(run.stdout + run.stderr);
        expect(run.stdout).toContain(` ${escapedId} → 500 ${code}: ${message}m`);
      }
    } finally {
      await new Promise((resolve) => hostileServer.close(resolve));
    }
  });
});
