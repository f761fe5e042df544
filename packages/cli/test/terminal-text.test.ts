import { TERMINAL_TEXT_MAX, terminalText } from '../src/terminal-text';

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
// What a terminal could act on, or what would not survive UTF-8 (a lone surrogate).
const UNSAFE = /[\p{Cc}\p{Cs}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('terminalText escaping', () => {
  it('escapes every C0 control, \\t \\n \\r by name and the others as \\xNN', () => {
    const named: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };
    for (const code of range(0x00, 0x1f)) {
      expect(terminalText(`a${String.fromCharCode(code)}b`)).toBe(`a${named[code] ?? `\\x${hex(code, 2)}`}b`);
    }
    expect(terminalText('\x1b]0;pwned\x07')).toBe('\\x1b]0;pwned\\x07');
    expect(terminalText('\x1b[2J')).toBe('\\x1b[2J');
    expect(terminalText('\r[12:00:00] POST /webhooks/vobiz → 200')).toBe('\\r[12:00:00] POST /webhooks/vobiz → 200');
  });

  it('escapes DEL and every C1 control', () => {
    expect(terminalText('\x7f')).toBe('\\x7f');
    for (const code of range(0x80, 0x9f)) expect(terminalText(String.fromCharCode(code))).toBe(`\\u${hex(code, 4)}`);
    expect(terminalText('\u009b31mred')).toBe('\\u009b31mred');
  });

  it('escapes the bidi embeddings, overrides and isolates, and the line and paragraph separators', () => {
    for (const code of [...range(0x202a, 0x202e), ...range(0x2066, 0x2069), 0x2028, 0x2029]) {
      expect(terminalText(`x${String.fromCharCode(code)}y`)).toBe(`x\\u${hex(code, 4)}y`);
    }
  });

  it('escapes lone surrogates and keeps well-formed pairs', () => {
    expect(terminalText('\ud800')).toBe('\\ud800');
    expect(terminalText('\udfff')).toBe('\\udfff');
    expect(terminalText('a\ud83dz')).toBe('a\\ud83dz');
    // Reversed halves are two lone surrogates, not a pair.
    expect(terminalText('\ude00\ud83d')).toBe('\\ude00\\ud83d');
    expect(terminalText('ok 😀\ud83d')).toBe('ok 😀\\ud83d');
  });

  it('leaves ordinary text alone, whatever the script', () => {
    const ordinary = ['Hola! ¿Tienen envío a Málaga? 🚚', 'Ana García', 'مرحبا \u200fשלום', 'a\\x1b is just text', ''];
    for (const text of ordinary) {
      expect(terminalText(text)).toBe(text);
    }
    expect(terminalText(95)).toBe('95');
  });

  it('escapes everything that is unsafe, in any mix', () => {
    const all = [...range(0x00, 0x1f), 0x7f, ...range(0x80, 0x9f), ...range(0x202a, 0x202e), ...range(0x2066, 0x2069)];
    const text = String.fromCharCode(...all, 0x2028, 0x2029, 0xd800);
    const escaped = terminalText(text, 10_000);
    expect(escaped).not.toMatch(UNSAFE);
    expect(escaped).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('terminalText length limit', () => {
  it('keeps a value exactly at the limit whole, and shortens one character more', () => {
    const atLimit = 'a'.repeat(TERMINAL_TEXT_MAX);
    expect(TERMINAL_TEXT_MAX).toBe(200);
    expect(terminalText(atLimit)).toBe(atLimit);
    const over = terminalText(`${atLimit}b`);
    expect(over.length).toBeLessThanOrEqual(TERMINAL_TEXT_MAX);
    expect(over).toMatch(/^a+… \(\+\d+ chars\)$/);
  });

  it('counts the escaped length: 50 escaped ESCs fit in 200, 51 do not', () => {
    expect(terminalText('\x1b'.repeat(50))).toBe('\\x1b'.repeat(50));
    const over = terminalText('\x1b'.repeat(51));
    expect(over.length).toBeLessThanOrEqual(TERMINAL_TEXT_MAX);
    // Never half an escape: whole `\x1b`s, then the marker.
    const [, kept, omitted] = over.match(/^((?:\\x1b)*)… \(\+(\d+) chars\)$/) ?? [];
    expect(kept).toBeDefined();
    expect((kept as string).length / 4 + Number(omitted)).toBe(51);
  });

  it('shortens a long value with an ellipsis and the number of characters left out', () => {
    const long = `${'x'.repeat(1000)}\x1b[2J${'y'.repeat(19_000)}`;
    const short = terminalText(long);
    expect(short.length).toBeLessThanOrEqual(TERMINAL_TEXT_MAX);
    const [, kept, omitted] = short.match(/^(x+)… \(\+(\d+) chars\)$/) ?? [];
    expect((kept as string).length + Number(omitted)).toBe(long.length);
    expect(terminalText(long, 60).length).toBeLessThanOrEqual(60);
  });

  it('never splits a surrogate pair at the cut, and counts a pair as one character', () => {
    for (const prefix of ['', 'a']) {
      const text = `${prefix}${'😀'.repeat(300)}`;
      const short = terminalText(text);
      expect(short.length).toBeLessThanOrEqual(TERMINAL_TEXT_MAX);
      expect(short).not.toMatch(UNSAFE);
      const [, kept, omitted] = short.match(/^(a?(?:😀)+)… \(\+(\d+) chars\)$/u) ?? [];
      expect([...(kept as string)].length + Number(omitted)).toBe(prefix.length + 300);
    }
  });
});
