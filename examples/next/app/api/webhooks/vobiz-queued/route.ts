// POST /api/webhooks/vobiz-queued in queue mode: verified, validated and deduped here, then
// answered 200 once the event is stored in Redis. The handlers run in the worker (worker.ts).
import { bullmqQueue } from '@vobiz-webhooks/bullmq';
import { vobizWebhook } from '@vobiz-webhooks/next';
import { queueSettings, sharedQueue } from '../../../../lib/queue';

// BullMQ talks to Redis over TCP, which the Edge runtime does not offer.
export const runtime = 'nodejs';
// Never cache or prerender a webhook route.
export const dynamic = 'force-dynamic';

const { redisUrl, queueName } = queueSettings();

// Built once, at module scope: every request shares the queue and its connection.
const queue = sharedQueue(() => bullmqQueue({ connection: redisUrl, name: queueName }));

export const POST = vobizWebhook({ secret: process.env.VOBIZ_WEBHOOK_SECRET!, queue });
