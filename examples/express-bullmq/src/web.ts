// The web process: `pnpm --filter @vobiz-webhooks/example-express-bullmq web`.
import { bullmqQueue } from '@vobiz-webhooks/bullmq';
import { createWebApp } from './app';
import { queueSettings, redisHost, requireEnv } from './config';

const secret = requireEnv('VOBIZ_WEBHOOK_SECRET', 'whsec_dev');
const { redisUrl, queueName } = queueSettings();
const port = Number(process.env.PORT ?? 3000);

// Fails fast while Redis is down (no offline queue): the delivery gets 503 and Vobiz retries it.
const queue = bullmqQueue({ connection: { url: redisUrl }, name: queueName });
const app = createWebApp({ secret, queue });

// Express 5 hands a listen error (a port in use) to this callback instead of throwing it.
const server = app.listen(port, (error?: Error) => {
  if (error) {
    console.error(`web: cannot listen on port ${port}: ${error.message}`);
    process.exit(1);
  }
  console.log(`web: POST http://localhost:${port}/webhooks/vobiz → queue '${queueName}' on ${redisHost(redisUrl)}`);
});

// Deliveries in flight finish first: each is answered only once its job is stored, or
// refused with 503, and closing the queue under them would turn a 200 into a 503.
let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`web: ${signal}, finishing the deliveries in flight`);
  server.close(() => {
    queue.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('web: closing the queue failed', error);
        process.exit(1);
      },
    );
  });
  // Keep-alive connections would hold server.close() open until they idle out.
  server.closeIdleConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
