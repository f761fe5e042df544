// The sender of a soak run: posts the plan over loopback with a keep-alive agent and N
// concurrent lanes, and retries anything but a 2xx the way Vobiz does.
import { Agent, request } from 'node:http';

const pause = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const tally = (bucket, key) => (bucket[key] = (bucket[key] ?? 0) + 1);

/**
 * `maxAttempts` and `maxBackoffMs` bound the retries of one delivery (exponential from 10 ms,
 * with jitter); `onFirstAttempt(delivery)` runs as a delivery is first sent.
 */
export function createDriver({ port, concurrency, maxAttempts = 25, maxBackoffMs = 200, onFirstAttempt = () => {} }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  const counts = {
    requests: 0,
    accepted: 0,
    acceptedFirst: 0,
    duplicateAnswers: 0,
    rejectedForged: 0,
    retried: {},
    unexpected: {},
    gaveUp: 0,
  };
  let done = 0;

  function post(delivery) {
    return new Promise((resolve) => {
      const started = performance.now();
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/webhooks/vobiz',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(delivery.body),
            'x-webhook-signature': delivery.signature,
            'x-webhook-event': delivery.type,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            latencies.push(performance.now() - started);
            resolve({ status: res.statusCode, text });
          });
        },
      );
      req.on('error', (error) => resolve({ status: 0, text: error.code ?? String(error) }));
      req.end(delivery.body);
    });
  }

  async function deliver(delivery) {
    onFirstAttempt(delivery);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      counts.requests++;
      const { status, text } = await post(delivery);
      if (status === 200) {
        counts.accepted++;
        if (attempt === 1) counts.acceptedFirst++;
        if (text.includes('"duplicate":true')) counts.duplicateAnswers++;
        return;
      }
      if (status === 401 && delivery.forged) {
        counts.rejectedForged++;
        return;
      }
      // As Vobiz does: anything but a 2xx is retried later (409 in_progress, 5xx, a reset).
      const code = /"code":"(\w+)"/.exec(text)?.[1] ?? `network:${text}`;
      if (status === 409 || status >= 500 || status === 0) tally(counts.retried, `${status} ${code}`);
      else {
        tally(counts.unexpected, `${status} ${code}`);
        return;
      }
      await pause(Math.min(maxBackoffMs, 5 * 2 ** attempt) * (0.5 + Math.random()));
    }
    counts.gaveUp++;
  }

  return {
    counts,
    latencies,
    /** Deliveries finished so far (accepted, refused or given up on). */
    done: () => done,
    /** Sends the whole plan; resolves when every delivery has finished. */
    async drive(plan) {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < plan.length) {
            await deliver(plan[next++]);
            done++;
          }
        }),
      );
      agent.destroy();
    },
  };
}
