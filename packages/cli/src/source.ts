import type { EventSource } from '@vobiz-webhooks/core';
import { UsageError, type CliIo } from './io';

/** Who sends the deliveries a command builds, signs, checks or receives. */
export const sources = ['vobiz', 'vobiz-legacy', 'meta'] as const satisfies readonly EventSource[];

/** How Vobiz's earlier `X-Vobiz-Signature` may be encoded (Vobiz never documented which). */
export const legacyEncodings = ['hex', 'HEX', 'base64'] as const;
export type LegacyEncoding = (typeof legacyEncodings)[number];

/** The signature header each source sends, as it writes it. */
export const signatureHeaders: Readonly<Record<EventSource, string>> = {
  vobiz: 'X-Webhook-Signature',
  'vobiz-legacy': 'X-Vobiz-Signature',
  meta: 'X-Hub-Signature-256',
};

/** The path each source's receiver listens on by default (createReceiver, createMetaReceiver). */
export const defaultPaths: Readonly<Record<EventSource, string>> = {
  vobiz: '/webhooks/vobiz',
  'vobiz-legacy': '/webhooks/vobiz',
  meta: '/webhooks/meta',
};

/** `vobiz, vobiz-legacy or meta`, for messages. */
export const sourceList = `${sources.slice(0, -1).join(', ')} or ${sources.at(-1) as string}`;

/** `--source`, default `vobiz`; anything else names the valid values. */
export function parseSource(value: string | undefined): EventSource {
  if (value === undefined) return 'vobiz';
  if ((sources as readonly string[]).includes(value)) return value as EventSource;
  throw new UsageError(`--source is ${sourceList}, got '${value}'.`);
}

/** `--encoding` and `--prefix`: only Vobiz's earlier envelope has a choice of signature encoding. */
export function legacySignatureOptions(
  source: EventSource,
  values: { encoding?: string | undefined; prefix?: boolean | undefined },
): { encoding?: LegacyEncoding; prefix?: boolean } {
  if (source !== 'vobiz-legacy') {
    const flag = values.encoding !== undefined ? '--encoding' : values.prefix !== undefined ? '--prefix' : undefined;
    if (flag !== undefined) {
      const fixed = source === 'meta' ? 'sha256= and hex' : 'bare lowercase hex';
      throw new UsageError(`${flag} is for --source vobiz-legacy; ${source} signatures are always ${fixed}.`);
    }
    return {};
  }
  const { encoding, prefix } = values;
  if (encoding !== undefined && !(legacyEncodings as readonly string[]).includes(encoding)) {
    throw new UsageError(`--encoding is hex, HEX or base64, got '${encoding}'.`);
  }
  return {
    ...(encoding === undefined ? {} : { encoding: encoding as LegacyEncoding }),
    ...(prefix === undefined ? {} : { prefix }),
  };
}

/** Where a source's key comes from: the Vobiz subscription secret, or the Meta app's App Secret. */
const secretSettings = {
  vobiz: { flag: '--secret', env: 'VOBIZ_WEBHOOK_SECRET', what: 'the Vobiz subscription secret' },
  meta: { flag: '--app-secret', env: 'META_APP_SECRET', what: "the Meta app's App Secret, under App settings → Basic" },
} as const;

export const VERIFY_TOKEN_ENV = 'META_VERIFY_TOKEN';

/**
 * The key(s) a source is signed with. Vobiz's formats: `--secret`, else `VOBIZ_WEBHOOK_SECRET`.
 * Meta: `--app-secret`, else `META_APP_SECRET`. The other source's flag is a usage error
 * that says which one to pass. Several flags mean a rotation.
 */
export function resolveSourceSecrets(
  source: EventSource,
  values: { secret?: string[] | undefined; 'app-secret'?: string[] | undefined },
  io: CliIo,
  signed = `--source ${source}`,
): string[] {
  const settings = source === 'meta' ? secretSettings.meta : secretSettings.vobiz;
  const other = source === 'meta' ? secretSettings.vobiz : secretSettings.meta;
  const given = source === 'meta' ? values['app-secret'] : values.secret;
  const wrong = source === 'meta' ? values.secret : values['app-secret'];
  if (wrong !== undefined && wrong.length > 0) {
    throw new UsageError(
      `${other.flag} is ${other.what}; ${signed} is signed with ${settings.what}: pass ${settings.flag} <secret> or set ${settings.env}.`,
    );
  }
  if (given !== undefined && given.length > 0) return checkedSecrets(given, settings.flag);
  const fromEnv = io.env[settings.env];
  if (fromEnv !== undefined && fromEnv !== '') return checkedSecrets([fromEnv], settings.env);
  throw new UsageError(`no secret: pass ${settings.flag} <secret> or set ${settings.env} (${settings.what}).`);
}

/**
 * Every key checked before any is used, as the receiver checks them: an empty one, or one
 * with leading or trailing whitespace, never matches, so it is a usage error, whichever
 * position it has and whether or not an earlier key would have matched.
 */
function checkedSecrets(secrets: string[], from: string): string[] {
  secrets.forEach((secret, index) => {
    const which = secrets.length > 1 ? `${from} #${index + 1}` : from;
    if (secret === '') throw new UsageError(`${which} is empty.`);
    if (secret.trim() !== secret) {
      throw new UsageError(
        `${which} has leading or trailing whitespace, so no signature would ever match: usually a newline ` +
          'or space from a .env file or a copy-paste. Trim it where it is loaded.',
      );
    }
  });
  return secrets;
}

/** One key, for the commands that sign. */
export function singleSourceSecret(
  source: EventSource,
  values: { secret?: string[] | undefined; 'app-secret'?: string[] | undefined },
  io: CliIo,
  signed?: string,
): string {
  const secrets = resolveSourceSecrets(source, values, io, signed);
  if (secrets.length > 1) {
    const flag = source === 'meta' ? secretSettings.meta.flag : secretSettings.vobiz.flag;
    throw new UsageError(`this command signs with one secret; pass ${flag} once.`);
  }
  return secrets[0] as string;
}

/** Meta's handshake token: `--verify-token`, else `META_VERIFY_TOKEN`; only `--source meta` has a handshake. */
export function resolveVerifyToken(source: EventSource, flag: string | undefined, io: CliIo): string | undefined {
  if (source !== 'meta') {
    if (flag !== undefined)
      throw new UsageError("--verify-token is for --source meta (Meta's subscription handshake).");
    return undefined;
  }
  const token = flag ?? io.env[VERIFY_TOKEN_ENV];
  if (token !== undefined && token !== '') return token;
  throw new UsageError(
    `no verify token: pass --verify-token <token> or set ${VERIFY_TOKEN_ENV} (the Verify Token entered with the callback URL in the Meta app dashboard).`,
  );
}

/** What to send instead of an event name that only Vobiz's earlier envelope has. */
function currentNameOf(type: string): string | undefined {
  if (type === 'message.received') return '--type message.inbound';
  const status = /^message\.(sent|delivered|read|failed)$/.exec(type)?.[1];
  return status === undefined ? undefined : `--type message.status --status ${status}`;
}

/**
 * `--type` for a source: the earlier envelope's own names (`message.delivered`,
 * `contact.updated`, …) are refused elsewhere, with what to pass instead.
 */
export function checkEventType(type: string, source: EventSource): void {
  if (source === 'vobiz-legacy') {
    if (type.startsWith('call.')) {
      throw new UsageError(`--type ${type}: Vobiz's earlier envelope has no call events; pass --source vobiz or meta.`);
    }
    return;
  }
  const current = currentNameOf(type);
  if (current !== undefined) {
    throw new UsageError(
      `--type ${type} is an event name of Vobiz's earlier envelope: pass --source vobiz-legacy, or ${current}.`,
    );
  }
  if (source === 'meta' && (type === 'contact.updated' || type === 'campaign.completed')) {
    throw new UsageError(
      `--type ${type} is an event of Vobiz's earlier envelope, not Meta's: pass --source vobiz-legacy.`,
    );
  }
}

const PREFIX = /^sha256=/i;
const HEX_64 = /^[0-9a-f]{64}$/i;
const BASE64_32_BYTES = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * A source's signature header read as the lowercase hex that Vobiz's X-Webhook-Signature
 * is, or why it cannot be one: Meta's is `sha256=` and hex; the earlier envelope's hex in
 * either case or base64, each with or without `sha256=`
 * (packages/core/src/signature-format.ts decodes them the same way).
 */
export function signatureAsHex(source: EventSource, signature: string): { hex: string } | { problem: string } {
  if (source === 'vobiz') return { hex: signature };
  const header = signatureHeaders[source];
  if (source === 'meta') {
    const bare = signature.replace(PREFIX, '');
    if (bare === signature)
      return { problem: `${header} starts with 'sha256=' (then 64 hex chars); this one does not.` };
    return HEX_64.test(bare) ? { hex: bare.toLowerCase() } : { problem: `${header} is 'sha256=' then 64 hex chars.` };
  }
  const bare = signature.replace(PREFIX, '');
  if (HEX_64.test(bare)) return { hex: bare.toLowerCase() };
  if (BASE64_32_BYTES.test(bare)) {
    return { hex: Buffer.from(bare.replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('hex') };
  }
  return {
    problem: `${header} is 64 hex chars or 32 bytes in base64 (44 chars), either with 'sha256=' or without; this one is ${bare.length} chars.`,
  };
}
