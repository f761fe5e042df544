import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  createReceiver,
  signPayload,
  signPayloadAsync,
  verifySignature,
  verifySignatureAsync,
} from '@vobiz-webhooks/core';
import { SIGNATURE_VECTORS } from './support/vectors';

// Runs inside Vercel's Edge runtime VM, where '@vobiz-webhooks/core' is the edge entry
// (src/index.web.ts): Web Crypto only. The vectors come from node:crypto (see
// signature.test.ts), so both crypto paths are held to the same answers.

describe('edge entry: crypto', () => {
  it.each(SIGNATURE_VECTORS)(
    'signPayloadAsync and verifySignatureAsync agree with node:crypto vectors (%j)',
    async ({ body, secret, hex }) => {
      await expect(signPayloadAsync(body, secret)).resolves.toBe(hex);
      await expect(verifySignatureAsync(body, hex, secret)).resolves.toBe(true);
      await expect(verifySignatureAsync(body, hex, ['whsec_other', secret])).resolves.toBe(true);
      await expect(verifySignatureAsync(`${body}x`, hex, secret)).resolves.toBe(false);
    },
  );

  it('verifySignatureAsync never throws on malformed signatures', async () => {
    for (const signature of [undefined, null, '', 'zz', `sha256=${SIGNATURE_VECTORS[1].hex}`, 'ф'.repeat(64)]) {
      await expect(verifySignatureAsync('{}', signature, 'k')).resolves.toBe(false);
    }
  });

  it('the sync helpers point to their async twins instead of failing obscurely', () => {
    expect(() => signPayload('{}', 'k')).toThrow(/signPayloadAsync/);
    expect(() => verifySignature('{}', 'a', 'k')).toThrow(/verifySignatureAsync/);
  });
});

describe('edge entry: createReceiver', () => {
  const secret = 'whsec_edge_receiver';
  const body = JSON.stringify({
    event_id: 'edge-1',
    event_type: 'message.inbound',
    account_id: 'MA_EDGE',
    occurred_at: new Date().toISOString(),
    payload: {
      messaging_product: 'whatsapp',
      messages: [{ id: 'wamid.1', timestamp: '1', type: 'text', text: { body: 'Olá 👋' } }],
    },
  });

  it('verifies with Web Crypto and runs the handler; rejects a wrong signature with 401', async () => {
    const seen: string[] = [];
    const receiver = createReceiver({
      secret,
      logger: false,
      on: { 'message.inbound': (event) => void seen.push(event.event_id) },
    });
    const signature = await signPayloadAsync(body, secret);
    const ok = await receiver.receive({
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json', 'x-webhook-signature': signature }),
      rawBody: new TextEncoder().encode(body),
    });
    expect(ok.status).toBe(200);
    expect(seen).toEqual(['edge-1']);
    const bad = await receiver.receive({
      method: 'POST',
      headers: new Headers({
        'content-type': 'application/json',
        'x-webhook-signature': await signPayloadAsync(body, 'whsec_wrong'),
      }),
      rawBody: body,
    });
    expect(bad.status).toBe(401);
    expect(bad.error?.code).toBe('invalid_signature');
  });

  it('verifies the node:crypto vector bodies through the receiver too', async () => {
    const vector = SIGNATURE_VECTORS[1];
    const receiver = createReceiver({ secret: vector.secret, logger: false, on: {} });
    const result = await receiver.receive({
      method: 'POST',
      headers: { 'x-webhook-signature': vector.hex },
      rawBody: vector.body,
    });
    // The signature holds, so the delivery gets as far as the schema.
    expect(result.error?.code).toBe('invalid_envelope');
  });
});

describe('edge entry: import graph', () => {
  const NODE_BUILTINS =
    /^(node:|(assert|buffer|child_process|crypto|dns|events|fs|http|https|net|os|path|process|stream|string_decoder|tls|url|util|zlib)(\/|$))/;
  const srcDir = resolve(__dirname, '../src');

  /** Every module reachable from `entry` by value imports (type-only imports are erased). */
  function walk(entry: string): { files: string[]; packages: string[] } {
    const files = new Set<string>();
    const packages = new Set<string>();
    const pending = [entry];
    const specifier = /^\s*(import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
    while (pending.length > 0) {
      const file = pending.pop() as string;
      if (files.has(file)) continue;
      files.add(file);
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(specifier)) {
        const target = match[2] as string;
        if (!target.startsWith('.')) {
          packages.add(target);
          continue;
        }
        const base = resolve(dirname(file), target);
        const found = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
        if (found === undefined) throw new Error(`unresolved import '${target}' in ${file}`);
        pending.push(found);
      }
      for (const match of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) packages.add(match[1] as string);
    }
    return { files: [...files].map((file) => relative(srcDir, file)).sort(), packages: [...packages].sort() };
  }

  const graph = walk(join(srcDir, 'index.web.ts'));

  it('reaches the shared pipeline and the Web Crypto code', () => {
    expect(graph.files).toEqual(
      expect.arrayContaining(['index.web.ts', 'receiver.ts', 'web/signature.ts', 'web/platform.ts', 'envelope.ts']),
    );
  });

  it('never reaches a node: module, node:crypto code, or the Node bridge', () => {
    expect(graph.packages.filter((name) => NODE_BUILTINS.test(name))).toEqual([]);
    expect(graph.packages).not.toContain('raw-body');
    expect(
      graph.files.filter((file) => ['node/signature.ts', 'node/platform.ts', 'node/http.ts'].includes(file)),
    ).toEqual([]);
  });

  it('uses no Node globals (Buffer) in the reachable files', () => {
    const offenders = graph.files.filter((file) =>
      /\bBuffer\s*\.\s*(from|isBuffer|alloc|concat|byteLength)\s*\(/.test(readFileSync(join(srcDir, file), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('the walker does find node: imports where they exist (the Node entry)', () => {
    const node = walk(join(srcDir, 'index.ts'));
    expect(node.packages).toContain('node:crypto');
    expect(node.files).toContain('node/signature.ts');
  });
});
