// `pnpm demo`: the example app on a free local port, fed through the CLI's send path
// (`vobiz-webhooks send` uses the same function) with one delivery of each event type,
// then a duplicate, a tampered body and a wrong secret. Exits 0 only if every answer is
// the expected one.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendDeliveries, type DeliveryResult, type SendOptions } from '@vobiz-webhooks/cli';
import { memoryDedupeStore } from '@vobiz-webhooks/core';
import { createApp, type Seen } from './app';

const SECRET = 'whsec_demo_local_only';
// Development values for the Meta route the app mounts beside the Vobiz one (not exercised here).
const META = { appSecret: 'meta_app_secret_demo_local_only', verifyToken: 'meta-verify-token-demo' };

interface Step {
  sent: string;
  send: Omit<SendOptions, 'url'>;
  expect: { status: number; answer: 'ok' | 'duplicate' | 'invalid_signature'; handlerRuns: boolean };
}

interface Row {
  sent: string;
  answer: string;
  saw: string;
  pass: boolean;
}

function answerOf(result: DeliveryResult): string {
  const body = result.json as { duplicate?: boolean; error?: { code?: string } } | undefined;
  if (body?.error?.code) return `${result.status} ${body.error.code}`;
  return `${result.status} ${body?.duplicate ? 'duplicate' : 'ok'}`;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function printTable(rows: Row[]): void {
  const header = { n: '#', sent: 'sent', answer: 'answer', saw: 'handler saw' };
  const width = {
    sent: Math.max(header.sent.length, ...rows.map((r) => r.sent.length)),
    answer: Math.max(header.answer.length, ...rows.map((r) => r.answer.length)),
  };
  const line = (n: string, sent: string, answer: string, saw: string, mark: string) =>
    `${n.padStart(2)}  ${sent.padEnd(width.sent)}  ${answer.padEnd(width.answer)}  ${mark.padEnd(1)}  ${saw}`;
  console.log(line(header.n, header.sent, header.answer, header.saw, ' '));
  console.log(line('--', '-'.repeat(width.sent), '-'.repeat(width.answer), '-'.repeat(40), '-'));
  rows.forEach((row, index) =>
    console.log(line(String(index + 1), row.sent, row.answer, clip(row.saw, 70), row.pass ? '✓' : '✗')),
  );
}

async function main(): Promise<number> {
  const seen: Seen[] = [];
  const warnings: string[] = [];
  const app = createApp({
    secret: SECRET,
    meta: META,
    store: memoryDedupeStore(),
    record: (entry) => seen.push(entry),
    // Keep the server's warnings (the signature diagnostics) for after the table.
    logger: {
      warn: (...args) => warnings.push(args.map(String).join(' ')),
      error: (...args) => warnings.push(args.map(String).join(' ')),
    },
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${origin}/webhooks/vobiz`;
  console.log(`vobiz-webhooks demo: examples/express at ${url} (in-memory dedupe store)`);
  console.log(`Meta's Cloud API, received directly by the same handlers: ${origin}/webhooks/meta\n`);

  const ok = { status: 200, answer: 'ok', handlerRuns: true } as const;
  const refused = { status: 401, answer: 'invalid_signature', handlerRuns: false } as const;
  const rows: Row[] = [];
  let firstBody: string | Uint8Array | undefined;
  const steps: (() => Step)[] = [
    () => ({ sent: 'message.inbound (text)', send: { secret: SECRET, type: 'message.inbound' }, expect: ok }),
    () => ({ sent: 'message.status (delivered)', send: { secret: SECRET, type: 'message.status' }, expect: ok }),
    () => ({ sent: 'call.connect', send: { secret: SECRET, type: 'call.connect' }, expect: ok }),
    () => ({ sent: 'call.status_change', send: { secret: SECRET, type: 'call.status_change' }, expect: ok }),
    () => ({ sent: 'call.terminate', send: { secret: SECRET, type: 'call.terminate' }, expect: ok }),
    () => ({
      sent: 'duplicate of #1 (same bytes, a retry)',
      send: { secret: SECRET, events: [firstBody as string | Uint8Array] },
      expect: { status: 200, answer: 'duplicate', handlerRuns: false },
    }),
    () => ({
      sent: 'message.inbound, body changed after signing',
      send: { secret: SECRET, type: 'message.inbound', tamper: true },
      expect: refused,
    }),
    () => ({
      sent: 'message.status signed with the wrong secret',
      send: { secret: 'whsec_not_the_subscription_secret', type: 'message.status' },
      expect: refused,
    }),
  ];

  try {
    for (const makeStep of steps) {
      const step = makeStep();
      const before = seen.length;
      const [result] = await sendDeliveries({ url, ...step.send });
      if (result === undefined) throw new Error(`nothing was sent for '${step.sent}'`);
      firstBody ??= result.delivery.body;
      const saw = seen.slice(before).flatMap((entry) => entry.lines);
      const answer = answerOf(result);
      rows.push({
        sent: step.sent,
        answer,
        saw:
          saw.length > 0 ? saw.join('; ') : step.expect.answer === 'duplicate' ? '(not called again)' : '(not called)',
        pass: answer === `${step.expect.status} ${step.expect.answer}` && saw.length > 0 === step.expect.handlerRuns,
      });
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }

  printTable(rows);
  const passed = rows.filter((row) => row.pass).length;
  console.log(`\n${passed} of ${rows.length} answers as expected.`);
  const diagnoses = warnings.filter((warning) => warning.includes('did not verify'));
  if (diagnoses.length > 0) {
    console.log(
      '\nWhat the server logged for the refused deliveries (development only, never the secret or the body):',
    );
    for (const diagnosis of diagnoses) console.log(diagnosis.replace(/^/gm, '  '));
  }
  return passed === rows.length ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
