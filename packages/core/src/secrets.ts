/**
 * Validates the `secret` option once, at construction. The messages say what is wrong
 * and how to fix it, and never contain the secret itself.
 */
export function normalizeSecrets(secret: unknown, name: 'secret' | 'appSecret' = 'secret'): readonly string[] {
  const list: unknown[] = Array.isArray(secret) ? secret : [secret];
  const what =
    name === 'secret'
      ? 'the Vobiz subscription secret, e.g. `secret: process.env.VOBIZ_WEBHOOK_SECRET`'
      : "the Meta app's App Secret (App settings → Basic), e.g. `appSecret: process.env.META_APP_SECRET`";
  if (list.length === 0) {
    throw new TypeError(`vobiz-webhooks: \`${name}\` is an empty array; pass at least one: ${what}.`);
  }
  list.forEach((value, index) => {
    const which = list.length > 1 ? `${name}[${index}]` : `\`${name}\``;
    if (typeof value !== 'string' || value.length === 0) {
      throw new TypeError(
        `vobiz-webhooks: ${which} is ${value === '' ? 'empty' : 'missing'}. ` +
          `Set it to ${what} (and check that variable is set).`,
      );
    }
    refuseSurroundingWhitespace(value, which, 'signature');
  });
  return list as string[];
}

/**
 * Refuses a key or token with leading or trailing whitespace, which the sender never sends:
 * nothing signed with it, or no handshake, would ever match.
 */
export function refuseSurroundingWhitespace(value: string, which: string, check: 'signature' | 'handshake'): void {
  if (value.trim() === value) return;
  throw new TypeError(
    `vobiz-webhooks: ${which} has leading or trailing whitespace, so no ${check} would ever match. ` +
      'This is usually a newline or space from a .env file or a copy-paste: trim it where it is loaded.',
  );
}
