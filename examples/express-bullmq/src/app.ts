import express, { type Express } from 'express';
import type { DedupeStore, EventQueue, Logger } from '@vobiz-webhooks/core';
import { vobizWebhook } from '@vobiz-webhooks/express';

export interface WebAppOptions {
  /** The Vobiz subscription secret (or two during a rotation). */
  secret: string | readonly string[];
  /** `bullmqQueue({ connection, name })`: the delivery is answered 200 once its job is stored in Redis. */
  queue: EventQueue;
  /** How long storing the job may take before the answer is 503 `queue_unavailable`. Default 2 s. */
  enqueueTimeoutMs?: number;
  /**
   * Default: the in-memory store, enough even with several web processes, since a job's
   * id comes from the event id and a copy enqueued elsewhere is the same job. A shared
   * `redisDedupeStore` also answers those copies `duplicate` and 409 while one is being queued.
   */
  dedupe?: DedupeStore;
  /** Default `console`. */
  logger?: Logger | false;
}

/**
 * The web process: verify, validate, dedupe, enqueue, answer. No handler runs here, so
 * the answer does not wait for a CRM or a database, and Vobiz gets it within its few seconds.
 */
export function createWebApp({ secret, queue, enqueueTimeoutMs, dedupe, logger }: WebAppOptions): Express {
  const app = express();

  // First: the middleware reads the raw body itself, because the signature is over the
  // exact bytes. An express.json() mounted before it would leave nothing to verify.
  app.use(
    vobizWebhook({
      secret,
      queue,
      ...(enqueueTimeoutMs === undefined ? {} : { enqueueTimeoutMs }),
      ...(dedupe === undefined ? {} : { dedupe }),
      ...(logger === undefined ? {} : { logger }),
    }),
  );

  // The rest of the app parses JSON as usual.
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}
