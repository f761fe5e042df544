import { VobizWebhookError } from '../errors';

/**
 * Meta's subscription handshake: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
 * is answered with exactly the challenge, as plain text, when the verify token matches.
 */
export interface HandshakeAnswer {
  status: 200;
  headers: Record<string, string>;
  body: string;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const MAX_CHALLENGE = 256;

/** Two strings compared in time that depends on their lengths only, not on where they differ. */
function constantTimeEqual(given: string, expected: string): boolean {
  let difference = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) {
    difference |= (i < given.length ? given.charCodeAt(i) : 0) ^ expected.charCodeAt(i);
  }
  return difference === 0;
}

/** The query of a request target (`/webhooks/meta?hub.mode=…`) or an absolute URL. */
function queryOf(url: string | undefined): URLSearchParams {
  const start = url === undefined ? -1 : url.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : (url as string).slice(start + 1));
}

const refuse = (code: 'method_not_allowed' | 'verification_failed' | 'invalid_challenge', message: string): never => {
  throw new VobizWebhookError(code, message);
};

/**
 * Answers the handshake, or throws its refusal: 405 without `hub.mode` (a GET that is not
 * a handshake), 403 `verification_failed` for the wrong token or mode, 400
 * `invalid_challenge` for a challenge that is missing, over 256 characters or not
 * printable ASCII. The token is checked first, so nothing about the challenge is
 * revealed to whoever does not know it.
 */
export function answerHandshake(verifyToken: string, url: string | undefined): HandshakeAnswer {
  const query = queryOf(url);
  const mode = query.get('hub.mode');
  if (mode === null) {
    refuse(
      'method_not_allowed',
      "GET is only for Meta's subscription handshake (hub.mode=subscribe, hub.verify_token, hub.challenge); " +
        'deliveries come as POST.',
    );
  }
  if (!constantTimeEqual(query.get('hub.verify_token') ?? '', verifyToken) || mode !== 'subscribe') {
    refuse(
      'verification_failed',
      "The handshake's hub.verify_token does not match verifyToken (or hub.mode is not 'subscribe'): enter the same " +
        'Verify Token in the Meta app dashboard.',
    );
  }
  const challenge = query.get('hub.challenge') ?? '';
  if (challenge === '') refuse('invalid_challenge', 'hub.challenge is missing.');
  if (challenge.length > MAX_CHALLENGE || !PRINTABLE_ASCII.test(challenge)) {
    refuse('invalid_challenge', `hub.challenge is longer than ${MAX_CHALLENGE} characters or not printable ASCII.`);
  }
  return {
    status: 200,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      // The challenge is echoed as sent: never let a browser sniff it into markup.
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
    body: challenge,
  };
}
