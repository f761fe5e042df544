/** The longest a value printed by the CLI gets, marker included, in UTF-16 units. */
export const TERMINAL_TEXT_MAX = 200;
/** For whole sentences (an error, a diagnosis) that may quote a value: longer than a field, still bounded. */
export const TERMINAL_LINE_MAX = 1_000;

// What a terminal acts on or a reader is fooled by: C0, DEL and C1 controls (\p{Cc}), lone
// surrogates (\p{Cs}; a well-formed pair is one astral code point under /u), the line and
// paragraph separators, and the bidi embeddings, overrides and isolates that reorder a line.
const UNSAFE = /[\p{Cc}\p{Cs}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const SURROGATE_PAIR = /[\ud800-\udbff][\udc00-\udfff]/g;

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

/** One code point (or lone surrogate), as it is or as a visible escape. */
function escapeCodePoint(char: string): string {
  if (!UNSAFE.test(char)) return char;
  const code = char.codePointAt(0) as number;
  return NAMED[char] ?? (code <= 0x7f ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
}

const marker = (omitted: number) => `… (+${omitted} chars)`;

/**
 * A value from a sender or a remote server, made safe to print on one terminal line:
 * every control character, bidi override or isolate, line separator and lone surrogate
 * becomes a visible escape (`\x1b`, `\n`, `\u009b`, `\u202e`), so nothing it contains can
 * retitle the window, clear the screen or forge a line. Past `max` UTF-16 units it is cut
 * between whole code points and whole escapes, and ends with `… (+N chars)`: how many
 * characters (code points) of the value were left out.
 */
export function terminalText(value: unknown, max = TERMINAL_TEXT_MAX): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.length <= max && !UNSAFE.test(text)) return text;
  const pieces: string[] = [];
  let used = 0;
  let whole = true;
  // A value may be megabytes long: escape only as much as could be shown.
  for (const char of text) {
    const piece = escapeCodePoint(char);
    if (used + piece.length > max) {
      whole = false;
      break;
    }
    pieces.push(piece);
    used += piece.length;
  }
  if (whole) return pieces.join('');
  const total = text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);
  // The marker for the whole value is at least as long as the one printed: room for either.
  const room = max - marker(total).length;
  while (pieces.length > 0 && used > room) used -= (pieces.pop() as string).length;
  return `${pieces.join('')}${marker(total - pieces.length)}`;
}

/** Text of several lines (a diagnosis, a log entry): each line made safe, the line breaks kept. */
export function terminalLines(text: string, max: number): string {
  return text
    .split('\n')
    .map((line) => terminalText(line, max))
    .join('\n');
}
