import type { Logger } from './types';

/*
 * What the library writes to the operator's logger. Two rules: nothing a sender chose
 * reaches a log line unescaped or unshortened (a header can carry ~16 KB of control
 * bytes that rewrite a terminal or forge log lines), and what unauthenticated requests
 * can trigger is bounded per time window, so a flood of forged requests is not a
 * flood of log lines.
 */

// C0 controls, DEL, C1 controls, and the Unicode line separators and bidi overrides
// that can make one log line look like several or read backwards.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (char: string): string => {
  const code = char.charCodeAt(0);
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  if (code === 0x09) return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `value` as printable one-line text of at most about `max` characters (escapes count as one). */
export function safeText(value: unknown, max = 120): string {
  let text = String(value);
  let cut = '';
  if (text.length > max) {
    // Never split a surrogate pair.
    const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
    cut = `… (${text.length} chars)`;
    text = text.slice(0, end);
  }
  return text.replace(UNSAFE, escapeChar) + cut;
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

/** A `warn` that writes at most `perWindow` lines every `windowMs`, saying how many it held back. */
export function rateLimitedWarn(log: Logger, perWindow: number, windowMs: number): (line: string) => void {
  const limit = rateLimit(perWindow, windowMs);
  return (line) => {
    if (!limit.take()) return;
    const held = limit.heldBack();
    const note = held > 0 ? ` (${held} similar lines held back: at most ${perWindow} every ${windowMs / 1000} s)` : '';
    log.warn(line + note);
  };
}
