import { callsOf, messagesOf, statusesOf, type VobizEvent } from '@vobiz-webhooks/core';

/** What a handler saw, in a form safe to show: ids and kinds, not message content. */
export interface ReceivedSummary {
  event_id: string;
  event_type: string;
  /** Where the handler ran: a route on either runtime, or the queue's worker process. */
  runtime: 'nodejs' | 'edge' | 'worker';
  /** Message types, status values or call events found in the payload. */
  items: string[];
}

export function summarize(event: VobizEvent, runtime: ReceivedSummary['runtime']): ReceivedSummary {
  const items = [
    ...messagesOf(event).map((message) => `message:${message.type}`),
    ...statusesOf(event).map((status) => `status:${status.status}`),
    ...callsOf(event).map((call) => `call:${call.event}`),
  ];
  return { event_id: event.event_id, event_type: event.event_type, runtime, items };
}

/**
 * Demo only: `GET` on a webhook route lists what this server instance received, so
 * the end-to-end test (and you, with curl) can see what the handlers saw. It is off
 * unless EXAMPLE_EXPOSE_RECEIVED=1; a real app would write to its database instead.
 */
export function listReceived(received: readonly ReceivedSummary[]): Response {
  if (!receivedIsExposed()) return new Response(null, { status: 404 });
  return Response.json({ received }, { headers: { 'cache-control': 'no-store' } });
}

export const receivedIsExposed = (): boolean => process.env.EXAMPLE_EXPOSE_RECEIVED === '1';
