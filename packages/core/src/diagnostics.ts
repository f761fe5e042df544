import { rateLimit } from './log';
import { normalizeSecrets } from './secrets';
import { decodeHexSignature, toHex } from './signature-format';
import type { Logger } from './types';
import { webVerifier } from './web/signature';

// Web Crypto only (no `node:` imports): the Edge entry uses this file too. It runs only
// after a signature failed, so the extra hashing never touches the success path.

export interface SignatureMismatch {
  /** The X-Webhook-Signature header as received (undefined when absent). */
  signature: string | null | undefined;
  /** The exact bytes that were verified. */
  body: string | Uint8Array;
  /**
   * True when the raw body reached the receiver as a string, i.e. an earlier parser
   * (`express.text()`, koa-bodyparser's `rawBody`) had already decoded the bytes.
   */
  bodyWasDecoded?: boolean;
  /** The configured secret(s). Never printed: only their positions are. */
  secret: string | readonly string[];
}

/** Diagnostics are for development: off when `NODE_ENV` is `production`. */
export function signatureDiagnosticsEnabled(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NODE_ENV !== 'production';
}

const encoder = new TextEncoder();
const PREFIX = /^sha256=/i;
const QUOTED = /^(["'`]).*\1$/s;
const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const REPLACEMENT_CHARACTER = '\uFFFD';

interface HeaderShape {
  description: string;
  /** A problem with the header alone, when there is one. */
  problem?: string;
}

function describeHeader(signature: string | null | undefined): HeaderShape {
  if (signature === undefined || signature === null) return { description: 'missing', problem: 'missing' };
  if (signature === '') return { description: 'present but empty', problem: 'empty' };
  if (signature.trim() !== signature) {
    return {
      description: `${signature.length} chars with surrounding whitespace`,
      problem: 'surrounded by whitespace',
    };
  }
  if (PREFIX.test(signature)) {
    return {
      description: `'${signature.slice(0, 7)}' prefix + ${signature.length - 7} chars (Vobiz sends bare hex; the prefix is Meta's X-Hub-Signature-256 format)`,
      problem: "prefixed with 'sha256='",
    };
  }
  if (QUOTED.test(signature))
    return { description: `${signature.length} chars wrapped in quotes`, problem: 'wrapped in quotes' };
  if (!HEX.test(signature)) {
    const base64 = BASE64.test(signature) && signature.length === 44 ? ' (looks like base64; Vobiz sends hex)' : '';
    return { description: `${signature.length} chars, not hex${base64}`, problem: `not hex${base64}` };
  }
  if (signature.length !== 64) {
    return {
      description: `${signature.length} hex chars (an HMAC-SHA256 in hex is 64)`,
      problem: `${signature.length} hex chars long instead of 64 (truncated or not an HMAC-SHA256)`,
    };
  }
  if (signature !== signature.toLowerCase()) {
    return { description: '64 hex chars in upper case (accepted, but Vobiz sends lower case: is the sender Vobiz?)' };
  }
  return { description: '64 lowercase hex chars (well-formed)' };
}

const bytesOf = (body: string | Uint8Array): Uint8Array => (typeof body === 'string' ? encoder.encode(body) : body);

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/** The body without one trailing `\n` or `\r\n`, when it ends with one. */
function withoutTrailingNewline(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes[bytes.length - 1] !== 0x0a) return undefined;
  return bytes.subarray(0, bytes[bytes.length - 2] === 0x0d ? bytes.length - 2 : bytes.length - 1);
}

/** Which of the secrets (by position) verifies this body and signature, if any. */
async function matchingSecret(
  secrets: readonly string[],
  body: Uint8Array,
  signature: string,
): Promise<number | undefined> {
  for (const [index, secret] of secrets.entries()) {
    if (secret.length > 0 && (await webVerifier([secret])(body, decodeHexSignature(signature)))) return index;
  }
  return undefined;
}

/**
 * One explanation of why a signature did not verify, for the logger's `warn`: the
 * header's shape, the body's length and SHA-256, where the bytes came from, and which
 * secrets were tried. It tests the usual mistakes (a `sha256=` prefix, a quoted secret,
 * a newline added to the body) by recomputing the HMAC without them, so the likely cause
 * is named rather than guessed. Never includes the secret or the body. Never throws.
 */
export async function explainSignatureMismatch(mismatch: SignatureMismatch): Promise<string> {
  try {
    return await explain(mismatch);
  } catch (error) {
    return `[vobiz-webhooks] X-Webhook-Signature did not verify (no diagnosis: ${error instanceof Error ? error.message : 'unknown error'}).`;
  }
}

async function explain({ signature, body, bodyWasDecoded = false, secret }: SignatureMismatch): Promise<string> {
  const secrets = normalizeSecrets(secret);
  const bytes = bytesOf(body);
  const header = describeHeader(signature);
  const which = (index: number) => (secrets.length > 1 ? `secret[${index}]` : 'the secret');
  const quotedSecrets = secrets.flatMap((value, index) => (QUOTED.test(value) ? [index] : []));
  const text = bodyWasDecoded && typeof body === 'string' ? body : undefined;

  let cause: string | undefined;
  if (signature === undefined || signature === null || signature === '') {
    cause =
      'the request carries no X-Webhook-Signature: it was not sent by Vobiz, or a proxy or tunnel in between dropped the header.';
  } else {
    const bare = signature
      .trim()
      .replace(PREFIX, '')
      .replace(/^(["'`])(.*)\1$/s, '$2');
    if (bare !== signature) {
      const index = await matchingSecret(secrets, bytes, bare);
      if (index !== undefined) {
        cause = `the signature matches ${which(index)} once the header is cleaned up (it is ${header.problem}): the sender formats the header differently from Vobiz, which sends bare lowercase hex.`;
      }
    }
    for (const index of quotedSecrets) {
      if (cause !== undefined) break;
      const unquoted = (secrets[index] as string).slice(1, -1);
      if ((await matchingSecret([unquoted], bytes, bare)) !== undefined) {
        const alsoHeader =
          bare !== signature ? ` The header is also ${header.problem}: Vobiz sends bare lowercase hex.` : '';
        cause = `${which(index)} matches once its surrounding quotes are removed: it was loaded with the quotes (a quoted value in a config file or a JSON string); remove them where the secret is loaded.${alsoHeader}`;
      }
    }
    const trimmed = withoutTrailingNewline(bytes);
    if (cause === undefined && trimmed !== undefined) {
      const index = await matchingSecret(secrets, trimmed, bare);
      if (index !== undefined) {
        cause = `the signature matches the body without its trailing newline (${which(index)}): a tool or proxy appended a newline after the body was signed.`;
      }
    }
  }
  if (cause === undefined && bytes.length === 0) {
    cause =
      'the body is empty: something read the request stream before the webhook handler (mount it before any body parser).';
  }
  if (cause === undefined && header.problem !== undefined) {
    cause = `the header is ${header.problem}, so it cannot be Vobiz's HMAC-SHA256 (64 lowercase hex chars of the raw body).`;
  }
  if (cause === undefined && quotedSecrets.length > 0) {
    cause = `${quotedSecrets.map(which).join(', ')} starts and ends with a quote character: it was probably loaded with its quotes; remove them where the secret is loaded.`;
  }
  if (cause === undefined && text?.includes(REPLACEMENT_CHARACTER)) {
    cause =
      'an earlier body parser decoded the bytes to text and replaced invalid characters (U+FFFD), so they differ from what Vobiz signed: give the handler the raw Buffer (mount it before the parser, or use express.raw()).';
  }
  if (cause === undefined && text !== undefined) {
    cause =
      'the raw body came as text, not bytes (typically from an earlier body parser: express.text(), koa-bodyparser rawBody); if it was decoded with another charset or trimmed, the bytes no longer match: give the handler the raw Buffer (mount it before the parser, or use express.raw()).';
  }
  cause ??=
    "the header is well-formed, so either the secret is not this subscription's secret (check which subscription sends to this URL, and the variable the secret is loaded from), or the body was changed on the way (a proxy re-encoding JSON).";

  const tried =
    secrets.length === 1
      ? 'tried 1 secret'
      : `tried ${secrets.length} secrets (${secrets.map((_, index) => `secret[${index}]`).join(', ')}), none matched`;
  const quoteNote =
    quotedSecrets.length > 0 ? `; ${quotedSecrets.map(which).join(', ')} starts and ends with a quote` : '';
  const source =
    text === undefined
      ? 'bytes read from the request'
      : 'text, not bytes (e.g. left by an earlier body parser), re-encoded as UTF-8 here';
  return [
    `[vobiz-webhooks] X-Webhook-Signature did not verify. Likely cause: ${cause}`,
    `  signature header: ${header.description}`,
    `  body: ${bytes.length} bytes, sha256 ${await sha256Hex(bytes)} (compare with the sender's bytes: \`vobiz-webhooks sign\`)`,
    `  raw body source: ${source}`,
    `  secrets: ${tried}${quoteNote}`,
    "  (shown because NODE_ENV is not 'production'; the secret and the body are never logged)",
  ].join('\n');
}

const EXPLANATIONS_PER_WINDOW = 5;
const WINDOW_MS = 10_000;

/**
 * The receiver's use of `explainSignatureMismatch`: development only (off when
 * `NODE_ENV` is `production`), and a few explanations per 10 s window, so a flood of
 * forged requests is not a flood of extra HMACs and log lines. Nothing is computed
 * without a logger to write to.
 */
export function mismatchExplainer(
  secrets: readonly string[],
): (log: Logger | undefined, mismatch: Omit<SignatureMismatch, 'secret'>) => Promise<void> {
  const limit = rateLimit(EXPLANATIONS_PER_WINDOW, WINDOW_MS);
  return async (log, mismatch) => {
    if (log === undefined || !signatureDiagnosticsEnabled() || !limit.take()) return;
    const held = limit.heldBack();
    const skipped =
      held > 0
        ? `\n  (${held} earlier mismatches were not explained: at most ${EXPLANATIONS_PER_WINDOW} explanations every 10 s.)`
        : '';
    log.warn((await explainSignatureMismatch({ ...mismatch, secret: secrets })) + skipped);
  };
}
