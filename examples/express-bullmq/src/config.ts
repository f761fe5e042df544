// What the web and the worker process must agree on: the Redis they share and the queue's name.
import { DEFAULT_QUEUE_NAME } from '@vobiz-webhooks/bullmq';

export interface QueueSettings {
  redisUrl: string;
  queueName: string;
}

export function queueSettings(env: NodeJS.ProcessEnv = process.env): QueueSettings {
  return {
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queueName: env.VOBIZ_QUEUE_NAME ?? DEFAULT_QUEUE_NAME,
  };
}

/** The host and port of a Redis URL, for log lines: never its password. */
export const redisHost = (url: string): string => new URL(url).host;

/** Exits with a line that says what to set, rather than a stack trace. */
export function requireEnv(name: string, example: string): string {
  const value = process.env[name];
  if (value) return value;
  console.error(`Set ${name}, e.g. ${name}=${example}`);
  process.exit(1);
}

/** A whole number from an environment variable: a typo must not turn into NaN and a silent default. */
export function wholeNumberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`${name} must be a whole number, got '${raw}'.`);
    process.exit(1);
  }
  return value;
}
