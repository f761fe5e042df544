import { safeName, safeText } from '@vobiz-webhooks/core';

// safeText is tested for every unsafe class in the CLI (packages/cli/test/terminal-text.test.ts),
// which prints customer text through it; here, what a name adds to it.

describe('safeName', () => {
  it.each([
    ['a zero-width space', '\u200b', '\\u200b'],
    ['a zero-width non-joiner and joiner', '\u200c\u200d', '\\u200c\\u200d'],
    ['the left-to-right and right-to-left marks', '\u200e\u200f', '\\u200e\\u200f'],
    ['a word joiner', '\u2060', '\\u2060'],
    ['the byte-order mark', '\ufeff', '\\ufeff'],
    ['a soft hyphen', '\u00ad', '\\u00ad'],
    ['a no-break space', '\u00a0', '\\u00a0'],
    ['an ideographic space', '\u3000', '\\u3000'],
    ['a tag character (astral), braced', '\u{e0041}', '\\u{e0041}'],
    ['a variation selector', '\ufe0f', '\\ufe0f'],
    ['the combining grapheme joiner', '\u034f', '\\u034f'],
    ['a Hangul filler', '\u3164', '\\u3164'],
    ['the Braille blank', '\u2800', '\\u2800'],
    ['a backslash, so that the text \\u200b does not read as the character', '\\u200b', '\\\\u200b'],
  ])('escapes %s, which cannot be seen', (_what, invisible, shown) => {
    expect(safeName(`message.inbound${invisible}`)).toBe(`message.inbound${shown}`);
  });

  it('escapes what safeText escapes, and cuts at the same rule', () => {
    const hostile = '\u001b[2J\r\n\u202emessage';
    expect(safeName(hostile)).toBe(safeText(hostile));
    const long = 'k'.repeat(100);
    expect(safeName(long, 40)).toBe(safeText(long, 40));
    expect(safeName(long, 40).length).toBeLessThanOrEqual(40);
    expect(safeName(long, 40)).toMatch(/… \(\+\d+ chars\)$/);
  });

  it('leaves a name made of what can be seen as it is, a plain space and other scripts included', () => {
    for (const name of ['message.inbound', 'call.*', 'meta.account_update', 'a key', 'événement', '消息']) {
      expect(safeName(name)).toBe(name);
    }
  });

  it('is not what customer text gets: safeText keeps the characters that belong to its words', () => {
    // A Persian word's zero-width non-joiner, and a Hebrew line's right-to-left mark.
    for (const text of ['می\u200cخواهم', 'שלום\u200f']) {
      expect(safeText(text)).toBe(text);
      expect(safeName(text)).not.toBe(text);
    }
  });
});
