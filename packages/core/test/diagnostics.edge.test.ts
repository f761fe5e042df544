import { createReceiver, explainSignatureMismatch, signPayloadAsync } from '@vobiz-webhooks/core';

// The same diagnostics inside the Edge runtime VM: Web Crypto only, no `node:` modules.
describe('signature-mismatch diagnostics on the edge entry', () => {
  it('explains a prefixed header in one warning, with the body hash', async () => {
    const warnings: string[] = [];
    const receiver = createReceiver({
      secret: 'edge-secret',
      on: { '*': () => undefined },
      logger: { warn: (message: unknown) => warnings.push(String(message)), error: () => undefined },
    });
    const body = '{"event_type":"message.inbound"}';
    const signature = `sha256=${await signPayloadAsync(body, 'edge-secret')}`;
    const result = await receiver.receive({
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json', 'x-webhook-signature': signature }),
      rawBody: new TextEncoder().encode(body),
    });
    expect(result.status).toBe(401);
    expect(result.error?.code).toBe('invalid_signature');
    const explanations = warnings.filter((line) => line.includes('did not verify'));
    expect(explanations).toHaveLength(1);
    expect(explanations[0]).toContain("once the header is cleaned up (it is prefixed with 'sha256=')");
    // sha256 of the 32 body bytes, computed with Web Crypto in this VM.
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body)));
    const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
    expect(explanations[0]).toContain(`body: 32 bytes, sha256 ${hex}`);
    expect(explanations[0]).not.toContain('edge-secret');
  });

  it('names a quoted secret', async () => {
    const text = await explainSignatureMismatch({
      body: '{}',
      signature: await signPayloadAsync('{}', 'edge-secret'),
      secret: "'edge-secret'",
    });
    expect(text).toContain('the secret matches once its surrounding quotes are removed');
  });
});
