// The receiver under soak: the BUILT Express package with its default in-memory dedupe
// store, in its own process (forked by scripts/soak.mjs, which talks to it over IPC).
// Its handler fails the first time for events the driver marked, so the retry path
// (500 → release → redelivery → handled) is exercised at volume.
import express from 'express';
import { messagesOf } from '../../packages/core/dist/index.js';
import { vobizWebhook } from '../../packages/express/dist/index.js';

export const FAIL_ONCE_MARKER = 'soak:fail-once';

const secret = process.env.SOAK_SECRET;
if (!secret) throw new Error('SOAK_SECRET is not set (scripts/soak.mjs sets it).');

/** event_id → how many times a handler finished it successfully (must end at exactly 1). */
const completed = new Map();
const failedOnce = new Set();
let invocations = 0;
const refusals = {};

// Counts what the library would log instead of printing 2,000 lines of expected warnings.
const logger = {
  warn: (message) => {
    const code = /\d{3} (\w+):/.exec(String(message))?.[1] ?? 'other';
    refusals[code] = (refusals[code] ?? 0) + 1;
  },
  error: () => {
    refusals.logged_errors = (refusals.logged_errors ?? 0) + 1;
  },
};

const app = express();
app.use(
  vobizWebhook({
    secret,
    logger,
    on: {
      '*': async (event) => {
        invocations++;
        const text = messagesOf(event)[0]?.text?.body;
        if (text === FAIL_ONCE_MARKER && !failedOnce.has(event.event_id)) {
          failedOnce.add(event.event_id);
          throw new Error('injected failure (soak): the first attempt of a marked event fails');
        }
        // A little real asynchrony, like a database write, so copies overlap a running handler.
        if (invocations % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        completed.set(event.event_id, (completed.get(event.event_id) ?? 0) + 1);
      },
    },
  }),
);

const server = app.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: server.address().port, pid: process.pid });
});
// Keep-alive sockets from the driver should outlive short pauses between batches.
server.keepAliveTimeout = 30_000;

process.on('message', (message) => {
  if (message?.type !== 'report') return;
  process.send({
    type: 'report',
    completed: [...completed],
    failedOnce: failedOnce.size,
    invocations,
    refusals,
    // ru_maxrss: the peak resident set of this process, in KiB on Linux.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBytes: process.memoryUsage().rss,
  });
});
process.on('disconnect', () => process.exit(0));
