import type { Logger } from './types';

/*
 * What the library writes to the operator's logger. Two rules: nothing a sender chose
 * reaches a log line unescaped or unshortened (a header can carry ~16 KB of control
 * bytes that rewrite a terminal or forge log lines), and what unauthenticated requests
 * can trigger is bounded per time window, so a flood of forged requests is not a
 * flood of log lines.
 */

// What a terminal acts on or a reader is fooled by: C0, DEL and C1 controls (\p{Cc}), lone
// surrogates (\p{Cs}; a well-formed pair is one astral code point under /u), the line and
// paragraph separators, and the bidi embeddings, overrides and isolates that reorder a line.
const UNSAFE = /[\p{Cc}\p{Cs}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
// In a name (a handler key, an event type, an id), also what cannot be seen: format characters
// (\p{Cf}: zero-width space and joiners, bidi marks, the byte-order mark, the soft hyphen, tags),
// spaces other than U+0020, variation selectors, the combining grapheme joiner, the Hangul and
// Braille blanks; and the backslash, so that a name holding the text `\u200b` does not read as
// one holding the character. In customer text these are ordinary (a Persian word's zero-width
// non-joiner, a Hebrew line's marks, an emoji's variation selector); in a name they make two
// keys look the same.
const UNSAFE_IN_NAMES =
  // eslint-disable-next-line no-misleading-character-class -- written as escapes, each matched alone, never combined
  /[\p{Cc}\p{Cs}\p{Cf}\u2028\u2029\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u034f\u115f\u1160\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}\\]/u;
const NAMED: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' };
const SURROGATE_PAIR = /[\ud800-\udbff][\udc00-\udfff]/g;

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

/** One code point (or lone surrogate), as it is or as a visible escape. */
function escapeCodePoint(char: string, unsafe: RegExp): string {
  if (!unsafe.test(char)) return char;
  const code = char.codePointAt(0) as number;
  if (NAMED[char] !== undefined) return NAMED[char];
  if (code <= 0x7f) return `\\x${hex(code, 2)}`;
  // Past four hex digits, braced: `\ue0041` would read as U+E004 and a 1.
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${hex(code, 1)}}`;
}

const marker = (omitted: number) => `… (+${omitted} chars)`;

/** `value` as text, every code point `unsafe` matches escaped, cut past `max` (`safeText`). */
function escaped(value: unknown, max: number, unsafe: RegExp): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.length <= max && !unsafe.test(text)) return text;
  const pieces: string[] = [];
  let used = 0;
  let whole = true;
  // A value may be megabytes long: escape only as much as could be shown.
  for (const char of text) {
    const piece = escapeCodePoint(char, unsafe);
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

/**
 * A value a sender chose, made safe to print on one line of a log or a terminal: every
 * control character, bidi override or isolate, line separator and lone surrogate becomes
 * a visible escape (`\x1b`, `\n`, `\u009b`, `\u202e`), so nothing it contains can retitle
 * a window, clear a screen or forge a line. Past `max` UTF-16 units it is cut between whole
 * code points and whole escapes, and ends with `… (+N chars)`: how many characters (code
 * points) of the value were left out.
 */
export function safeText(value: unknown, max = 120): string {
  return escaped(value, max, UNSAFE);
}

/**
 * A name (a handler key, an event type, an id) made safe to print as `safeText` does, and
 * also the characters that cannot be seen, and the backslash: `'message.inbound\u200b'` is
 * printed so, not as a key that looks right. Not for customer text, where such characters
 * are words' own.
 */
export function safeName(value: unknown, max = 64): string {
  return escaped(value, max, UNSAFE_IN_NAMES);
}

export interface RateLimit {
  /** True when one more line fits in the current window; counts the ones that did not. */
  take(): boolean;
  /** How many lines were held back since the last line that got through, then resets. */
  heldBack(): number;
}

/** At most `perWindow` lines every `windowMs`. */
export function rateLimit(perWindow: number, windowMs: number): RateLimit {
  let windowEndsAt = 0;
  let taken = 0;
  let held = 0;
  return {
    take() {
      const now = Date.now();
      if (now >= windowEndsAt) {
        windowEndsAt = now + windowMs;
        taken = 0;
      }
      if (taken >= perWindow) {
        held++;
        return false;
      }
      taken++;
      return true;
    },
    heldBack() {
      const count = held;
      held = 0;
      return count;
    },
  };
}

/**
 * A `warn` that writes at most `perWindow` lines every `windowMs`, saying how many it held
 * back. The logger comes with each line (a request's own, say); the limit is shared.
 */
export function rateLimitedWarn(perWindow: number, windowMs: number): (log: Logger, line: string) => void {
  const limit = rateLimit(perWindow, windowMs);
  return (log, line) => {
    if (!limit.take()) return;
    const held = limit.heldBack();
    const note = held > 0 ? ` (${held} similar lines held back: at most ${perWindow} every ${windowMs / 1000} s)` : '';
    log.warn(line + note);
  };
}

/** A logger that cannot break an answer or a job: a sink that throws loses its line, nothing else. */
export function guardedLogger(logger: Logger | false | undefined): Logger | undefined {
  if (logger === false) return undefined;
  const sink = logger ?? console;
  const safely =
    (level: 'warn' | 'error') =>
    (...args: unknown[]): void => {
      try {
        sink[level](...args);
      } catch {
        // The delivery matters more than the line.
      }
    };
  return { warn: safely('warn'), error: safely('error') };
}
