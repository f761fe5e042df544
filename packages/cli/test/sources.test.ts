import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMetaReceiver,
  createReceiver,
  messagesOf,
  signPayload,
  statusesOf,
  type Receiver,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import { nodeReceiveRequest, pathnameOf, sendNodeResult } from '@vobiz-webhooks/core/node';
import { createTestEvent, testMessageKinds } from '@vobiz-webhooks/core/testing';
import { BIN, ensureBuiltBin, runBin, startBin } from './support/bin';

jest.setTimeout(60_000);

const SECRET = 'whsec_cli_sources_secret';
const APP_SECRET = 'meta_cli_app_secret';
const VERIFY_TOKEN = 'meta-cli-verify-token';

// A plain http server with both of core's receivers, each at its default path: what
// `send --source …` is for.
const handled: VobizEvent[] = [];
const headers: IncomingHttpHeaders[] = [];
let server: Server;
let origin: string;
let vobizUrl: string;
let tmp: string;

beforeAll(async () => {
  ensureBuiltBin();
  tmp = mkdtempSync(join(tmpdir(), 'vobiz-cli-sources-'));
  const on = { '*': (event: VobizEvent) => void handled.push(event) };
  const receivers: Receiver[] = [
    createReceiver({ secret: SECRET, logger: false, on }),
    createMetaReceiver({ appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, logger: false, on }),
  ];
  server = createServer((req, res) => {
    headers.push(req.headers);
    const receiver = receivers.find((candidate) => candidate.matchesPath(pathnameOf(req.url)));
    if (receiver === undefined) {
      res.writeHead(404).end();
      return;
    }
    void receiver.receive(nodeReceiveRequest(req, {}, '')).then((result) => sendNodeResult(res, result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  vobizUrl = `${origin}/webhooks/vobiz`;
});

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  handled.length = 0;
  headers.length = 0;
});

const only = <T>(items: readonly T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};

describe('send --source vobiz-legacy', () => {
  it('sends an earlier-envelope delivery under X-Vobiz-Signature; the receiver maps it to the current type', async () => {
    const args = ['send', vobizUrl, '--source', 'vobiz-legacy', '--secret', SECRET];
    const { code, stdout } = await runBin([...args, '--type', 'message.status', '--status', 'read']);
    expect(code).toBe(0);
    const event = only(handled);
    expect(event).toMatchObject({ event_type: 'message.status', source: 'vobiz-legacy' });
    expect(event.legacy?.event).toBe('message.read');
    expect(statusesOf(event).map((status) => status.status)).toEqual(['read']);
    const sent = only(headers);
    expect(sent['x-vobiz-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(sent['x-webhook-signature']).toBeUndefined();
    expect(stdout).toContain(`✓ message.read ${event.event_id} → 200 ok`);
  });

  it.each([
    ['hex', false, /^[0-9a-f]{64}$/],
    ['HEX', true, /^sha256=[0-9A-F]{64}$/],
    ['base64', false, /^[A-Za-z0-9+/]{43}=$/],
    ['base64', true, /^sha256=[A-Za-z0-9+/]{43}=$/],
  ])('--encoding %s (prefix %s) writes the header that way, and it verifies', async (encoding, prefix, shape) => {
    const args = ['send', vobizUrl, '--source', 'vobiz-legacy', '--secret', SECRET, '--encoding', encoding];
    const { code } = await runBin([...args, ...(prefix ? ['--prefix'] : []), '--type', 'message.delivered']);
    expect(code).toBe(0);
    expect(only(headers)['x-vobiz-signature']).toMatch(shape);
    expect(statusesOf(only(handled)).map((status) => status.status)).toEqual(['delivered']);
  });

  it('sends its own events and earlier names: contact.updated, campaign.completed, message.received', async () => {
    const args = ['send', vobizUrl, '--source', 'vobiz-legacy', '--secret', SECRET];
    for (const type of ['contact.updated', 'campaign.completed', 'message.received']) {
      expect((await runBin([...args, '--type', type])).code).toBe(0);
    }
    expect(handled.map((event) => [event.event_type, event.legacy?.event])).toEqual([
      ['contact.updated', 'contact.updated'],
      ['campaign.completed', 'campaign.completed'],
      ['message.inbound', 'message.received'],
    ]);
    expect(messagesOf(handled[2] as VobizEvent).map((message) => message.type)).toEqual(['text']);
  });

  it('--type all sends every message kind, every earlier status event, contact.updated and campaign.completed', async () => {
    const { code, stdout } = await runBin([
      'send',
      vobizUrl,
      '--source',
      'vobiz-legacy',
      '--secret',
      SECRET,
      '--type',
      'all',
    ]);
    expect(code).toBe(0);
    const total = testMessageKinds.length + 4 + 2;
    expect(stdout).toContain(`${total} deliveries to ${vobizUrl}: ${total} answered 2xx, 0 did not.`);
    expect(handled).toHaveLength(total);
    expect(new Set(handled.map((event) => event.source))).toEqual(new Set(['vobiz-legacy']));
    const statuses = handled.filter((event) => event.event_type === 'message.status').flatMap(statusesOf);
    expect(statuses.map((status) => status.status).sort()).toEqual(['delivered', 'failed', 'read', 'sent']);
    expect(stdout).toContain('✓ message.received (image) ');
  });

  it('--tamper is refused with 401, and a wrong secret too', async () => {
    const args = ['send', vobizUrl, '--source', 'vobiz-legacy'];
    const tampered = await runBin([...args, '--secret', SECRET, '--tamper']);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('tampered');
    expect(tampered.stdout).toContain('401 invalid_signature: X-Vobiz-Signature does not match');
    const wrong = await runBin([...args, '--secret', 'not-the-secret']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('401 invalid_signature');
    expect(handled).toHaveLength(0);
  });

  it('--file without --source is signed as its shape says', async () => {
    const path = join(tmp, 'legacy.json');
    writeFileSync(path, JSON.stringify(createTestEvent('message.inbound', { format: 'vobiz-legacy' })));
    const { code, stdout } = await runBin(['send', vobizUrl, '--secret', SECRET, '--file', path]);
    expect(code).toBe(0);
    expect(only(headers)['x-vobiz-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(only(handled).source).toBe('vobiz-legacy');
    expect(stdout).toContain('✓ message.received ');
  });
});

describe('send --source meta', () => {
  it('posts a Meta webhook object under X-Hub-Signature-256, to /webhooks/meta when the URL has no path', async () => {
    const args = ['send', origin, '--source', 'meta', '--app-secret', APP_SECRET];
    const { code, stdout } = await runBin([...args, '--type', 'message.status', '--status', 'read']);
    expect(code).toBe(0);
    const event = only(handled);
    expect(event).toMatchObject({ event_type: 'message.status', source: 'meta' });
    const status = only(statusesOf(event));
    expect(status.status).toBe('read');
    expect(only(headers)['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(stdout).toContain(`✓ message.status (read) ${status.id} → 200 ok`);
    expect(stdout).toContain(`1 delivery to ${origin}/webhooks/meta: 1 answered 2xx, 0 did not.`);
  });

  it('takes the app secret from META_APP_SECRET; each --repeat and each run carries fresh item ids', async () => {
    const args = ['send', `${origin}/webhooks/meta`, '--source', 'meta', '--type', 'call.connect', '--repeat', '2'];
    const env = { env: { META_APP_SECRET: APP_SECRET } };
    const first = await runBin(args, env);
    const second = await runBin(args, env);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.stdout + second.stdout).not.toContain('duplicate');
    expect(handled.map((event) => event.event_type)).toEqual(Array(4).fill('call.connect'));
    expect(new Set(handled.map((event) => event.event_id)).size).toBe(4);
  });

  it('--type all sends every message kind, every status and every call event', async () => {
    const { code } = await runBin(['send', origin, '--source', 'meta', '--app-secret', APP_SECRET, '--type', 'all']);
    expect(code).toBe(0);
    expect(handled).toHaveLength(testMessageKinds.length + 5 + 3);
    expect(new Set(handled.map((event) => event.source))).toEqual(new Set(['meta']));
    expect(handled.filter((event) => event.event_type.startsWith('call.')).map((event) => event.event_type)).toEqual([
      'call.connect',
      'call.status_change',
      'call.terminate',
    ]);
  });

  it('--duplicate is answered as a duplicate; a wrong app secret and --tamper get 401', async () => {
    const args = ['send', origin, '--source', 'meta'];
    const twice = await runBin([...args, '--app-secret', APP_SECRET, '--duplicate']);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain('200 duplicate (already handled)');
    expect(handled).toHaveLength(1);

    const wrong = await runBin([...args, '--app-secret', 'not-the-app-secret']);
    const tampered = await runBin([...args, '--app-secret', APP_SECRET, '--tamper']);
    for (const run of [wrong, tampered]) {
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('401 invalid_signature: X-Hub-Signature-256 does not match');
      expect(run.stdout + run.stderr).not.toContain(APP_SECRET);
    }
    expect(handled).toHaveLength(1);
  });
});

describe('listen --source', () => {
  it('meta: answers a right handshake with the challenge and a wrong one with 403, and prints each event', async () => {
    const listener = startBin(['listen', '--source', 'meta', '--port', '0', '--app-secret', APP_SECRET], {
      META_VERIFY_TOKEN: VERIFY_TOKEN,
    });
    try {
      const [, target = ''] = await listener.waitFor(/Listening on (http:\/\/localhost:\d+\/webhooks\/meta) /);
      const handshake = (token: string) =>
        fetch(`${target}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`);

      const right = await handshake(VERIFY_TOKEN);
      expect(right.status).toBe(200);
      expect(right.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await right.text()).toBe('1158201444');
      await listener.waitFor(/handshake verified → 200 \(hub\.challenge echoed: 1158201444\)/);

      const wrong = await handshake('not-the-token');
      expect(wrong.status).toBe(403);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('verification_failed');
      await listener.waitFor(/handshake refused → 403 verification_failed: /);

      const sent = await runBin(['send', target, '--source', 'meta', '--app-secret', APP_SECRET]);
      expect(sent.code).toBe(0);
      const [, id] = sent.stdout.match(/✓ message\.inbound \(text\) (\S+) → 200 ok/) ?? [];
      await listener.waitFor(
        new RegExp(`message\\.inbound ${(id as string).replace(/[.+]/g, '\\$&')} \\(meta\\) → 200 ok`),
      );
      await listener.waitFor(/message text "Hola! ¿Tienen envío a Málaga\? 🚚" from 16505551234/);
      expect(listener.output().stdout + listener.output().stderr).not.toContain(VERIFY_TOKEN);
      expect(listener.output().stdout + listener.output().stderr).not.toContain(APP_SECRET);
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });

  it('vobiz: one listener takes both Vobiz envelopes and prints which one each event came in', async () => {
    const listener = startBin(['listen', '--port', '0'], { VOBIZ_WEBHOOK_SECRET: SECRET });
    try {
      const [, target = ''] = await listener.waitFor(/Listening on (http:\/\/localhost:\d+\/webhooks\/vobiz) /);
      const legacy = await runBin([
        'send',
        target,
        '--source',
        'vobiz-legacy',
        '--secret',
        SECRET,
        '--encoding',
        'base64',
      ]);
      const current = await runBin(['send', target, '--secret', SECRET, '--type', 'call.connect']);
      expect([legacy.code, current.code]).toEqual([0, 0]);
      await listener.waitFor(/message\.inbound evt_\w+ \(vobiz-legacy\) → 200 ok\n {4}message text "Hola!/);
      await listener.waitFor(/call\.connect [\w-]+ \(vobiz\) → 200 ok/);
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });
});

describe('sign and verify --source', () => {
  const body = '{"object":"whatsapp_business_account","entry":[]}\n';
  let file: string;
  beforeAll(() => {
    file = join(tmp, 'body.json');
    writeFileSync(file, body);
  });
  const hex = () => signPayload(body, APP_SECRET);

  it('meta: sign prints sha256=<hex>; verify wants that prefix', async () => {
    const signed = await runBin(['sign', file, '--source', 'meta', '--app-secret', APP_SECRET]);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toBe(`sha256=${hex()}\n`);

    const verified = await runBin(['verify', file, '--source', 'meta', '--signature', `sha256=${hex()}`], {
      env: { META_APP_SECRET: APP_SECRET },
    });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`OK: the signature matches the ${Buffer.byteLength(body)}-byte body`);

    const bare = await runBin(['verify', file, '--source', 'meta', '--signature', hex(), '--app-secret', APP_SECRET]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("X-Hub-Signature-256 starts with 'sha256='");

    const other = signPayload(body, 'another-app');
    const wrong = await runBin([
      'verify',
      file,
      '--source',
      'meta',
      '--signature',
      `sha256=${other}`,
      '--app-secret',
      APP_SECRET,
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('MISMATCH: the signature does not match. Likely cause:');
    expect(wrong.stderr).not.toContain('signature header:');
    for (const run of [signed, bare, wrong]) expect(run.stderr).not.toContain(APP_SECRET);
  });

  it('vobiz-legacy: sign writes the chosen encoding; verify reads hex, HEX and base64, with or without sha256=', async () => {
    const legacy = ['--source', 'vobiz-legacy', '--secret', SECRET];
    const base64 = Buffer.from(signPayload(body, SECRET), 'hex').toString('base64');
    const signed = await runBin(['sign', file, ...legacy, '--encoding', 'base64', '--prefix']);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toBe(`sha256=${base64}\n`);

    for (const signature of [`sha256=${base64}`, base64, signPayload(body, SECRET).toUpperCase()]) {
      const verified = await runBin(['verify', file, ...legacy, '--signature', signature]);
      expect(verified.code).toBe(0);
    }
    const short = await runBin(['verify', file, ...legacy, '--signature', 'abc123']);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('X-Vobiz-Signature is 64 hex chars or 32 bytes in base64');
  });
});

describe('keys checked before any is used', () => {
  const body = '{"event_id":"evt_keys","event_type":"message.inbound"}';
  let file: string;
  beforeAll(() => {
    file = join(tmp, 'keys.json');
    writeFileSync(file, body);
  });

  it('verify refuses an empty or padded key in any position, also when an earlier one matches', async () => {
    const signature = signPayload(body, SECRET);
    for (const [extra, message] of [
      [' padded', '--secret #2 has leading or trailing whitespace'],
      ['', '--secret #2 is empty'],
    ] as const) {
      const run = await runBin(['verify', file, '--signature', signature, '--secret', SECRET, '--secret', extra]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
    }
    const fromEnv = await runBin(['verify', file, '--signature', signature], {
      env: { VOBIZ_WEBHOOK_SECRET: `${SECRET}\n` },
    });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('VOBIZ_WEBHOOK_SECRET has leading or trailing whitespace');
    expect(fromEnv.stderr).not.toContain(SECRET);
  });

  it('listen refuses a padded key as a usage error before it listens, naming the flag, not the port', async () => {
    for (const args of [
      ['--secret', ' padded'],
      ['--secret', SECRET, '--secret', ''],
      ['--source', 'meta', '--app-secret', 'padded ', '--verify-token', VERIFY_TOKEN],
      ['--source', 'meta', '--app-secret', APP_SECRET, '--verify-token', ` ${VERIFY_TOKEN}`],
    ]) {
      const run = await runBin(['listen', '--port', '0', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain('cannot listen');
      expect(run.stderr).toMatch(/(--(app-)?secret( #2)?|`verifyToken`) (has leading or trailing whitespace|is empty)/);
    }
  });
});

describe('send --file without --source', () => {
  it('checks the arguments before it reads the body, so a wrong one does not wait for stdin', async () => {
    // stdin stays open: a body that has not ended, as on a terminal.
    const child = spawn(process.execPath, [BIN, 'send', '--file', '-', '--secret', SECRET], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | string | null>((resolve) => {
      const timer = setTimeout(() => (child.kill(), resolve('still waiting for stdin')), 10_000);
      child.once('close', (exit) => (clearTimeout(timer), resolve(exit)));
    });
    expect(code).toBe(2);
    expect(stderr).toContain('send needs the URL');
  });

  it('signs a Meta body with the App Secret, as its shape says, and refuses the Vobiz secret for it', async () => {
    const meta = join(tmp, 'meta-body.json');
    writeFileSync(meta, JSON.stringify(createTestEvent('message.inbound', { format: 'meta' })));
    const sent = await runBin(['send', `${origin}/webhooks/meta`, '--file', meta, '--app-secret', APP_SECRET]);
    expect(sent.code).toBe(0);
    expect(only(handled)).toMatchObject({ event_type: 'message.inbound', source: 'meta' });
    expect(only(headers)['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);

    const wrongKey = await runBin(['send', `${origin}/webhooks/meta`, '--file', meta, '--secret', SECRET]);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain(
      '--secret is the Vobiz subscription secret; the --file body (meta, by its shape) is signed with',
    );
    expect(handled).toHaveLength(1);
  });
});
