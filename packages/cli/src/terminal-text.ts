import { safeText } from '@vobiz-webhooks/core';

/** The longest a value printed by the CLI gets, marker included, in UTF-16 units. */
export const TERMINAL_TEXT_MAX = 200;
/** For whole sentences (an error, a diagnosis) that may quote a value: longer than a field, still bounded. */
export const TERMINAL_LINE_MAX = 1_000;

/**
 * A value from a sender or a remote server, made safe to print on one terminal line:
 * control characters, bidi overrides and line separators escaped, cut past `max`
 * (core's `safeText`, the same rule the receiver's log lines follow).
 */
export const terminalText = (value: unknown, max = TERMINAL_TEXT_MAX): string => safeText(value, max);

/** Text of several lines (a diagnosis, a log entry): each line made safe, the line breaks kept. */
export function terminalLines(text: string, max: number): string {
  return text
    .split('\n')
    .map((line) => terminalText(line, max))
    .join('\n');
}
