// The load generator, in its own process: pre-signs a pool of distinct deliveries (so
// signing is not part of what is measured and every event_id is new to the server),
// then drives one server over keep-alive connections with autocannon.
// Usage: node bench/load.mjs '{"url":"http://127.0.0.1:1234","kind":"vobiz","duration":10,...}'
import autocannon from 'autocannon';
import { PATHS, requestFactory } from './lib/payloads.mjs';

const { url, kind, path = PATHS[kind], duration, warmup, connections, pool: poolSize } = JSON.parse(process.argv[2]);

const factory = await requestFactory(kind);
// One contiguous buffer for all bodies keeps a large pool compact.
const first = factory.next();
const size = first.body.length;
const bodies = Buffer.allocUnsafe(size * poolSize);
const headers = new Array(poolSize);
for (let i = 0; i < poolSize; i++) {
  const request = i === 0 ? first : factory.next();
  if (request.body.length !== size) throw new Error('every body in the pool must have the same size');
  request.body.copy(bodies, i * size);
  headers[i] = request.headers;
}

let sent = 0;
const run = autocannon({
  url,
  connections,
  pipelining: 1,
  duration,
  ...(warmup > 0 ? { warmup: { connections, duration: warmup } } : {}),
  requests: [
    {
      method: 'POST',
      path,
      setupRequest(request) {
        const i = sent++ % poolSize;
        return { ...request, headers: headers[i], body: bodies.subarray(i * size, (i + 1) * size) };
      },
    },
  ],
});
// autocannon's own histogram has a resolution of 1 ms, as coarse as the latencies here.
// Each 2xx response's own time, from the measured run only (the returned tracker's events
// start after the warm-up), gives p50 and p99 to the microsecond.
const latencies = [];
run.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode >= 200 && statusCode <= 299) latencies.push(responseTime);
});
const result = await run;
latencies.sort((a, b) => a - b);
const percentile = (p) =>
  latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))];

const ok = result['2xx'];
process.stdout.write(
  `${JSON.stringify({
    kind,
    bodyBytes: size,
    rps: ok / result.duration,
    p50: percentile(50),
    p99: percentile(99),
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    sent,
    poolWrapped: sent > poolSize,
  })}\n`,
);
