import { rateLimit, type Logger } from '@vobiz-webhooks/core';

/**
 * Connection errors repeat on every reconnect attempt while Redis is down: one line per
 * `intervalMs`, with the count of the ones left out.
 */
export function rateLimited(log: Logger | undefined, intervalMs = 10_000): (message: string, error: unknown) => void {
  const limit = rateLimit(1, intervalMs);
  return (message, error) => {
    if (log === undefined || !limit.take()) return;
    const held = limit.heldBack();
    log.error(`${message}${held > 0 ? ` (${held} more since the last line)` : ''}`, error);
  };
}
