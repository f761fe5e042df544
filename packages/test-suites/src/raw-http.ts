import { connect } from 'node:net';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A client that declares the whole signed body, sends half of it and hangs up: what an
 * aborted upload looks like to the server (raw-body's `request.aborted`).
 */
export async function abortMidBody(
  port: number,
  delivery: { body: string; headers: Record<string, string> },
  path = '/webhooks/vobiz',
): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(delivery.body)}\r\n` +
      `X-Webhook-Signature: ${delivery.headers['x-webhook-signature'] ?? ''}\r\n\r\n` +
      delivery.body.slice(0, delivery.body.length / 2),
  );
  await sleep(50);
  socket.destroy();
}

/** Polls until the assertion holds, or throws its last failure. */
export async function eventually(assertion: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(20);
    }
  }
}
