import type { EventHandlers } from '@vobiz-webhooks/core';
import { summarize, type ReceivedSummary } from './received';

/**
 * The typed handlers of the Node.js routes, and what they saw. app/api/webhooks/vobiz
 * (Vobiz, in either of its envelopes) and app/webhooks/meta (Meta's Cloud API received
 * directly) both pass this `on`, so an event is handled the same whichever way it came.
 * `GET /api/webhooks/vobiz` lists `received` (lib/received.ts); the Meta route's `GET`
 * is Meta's subscription handshake.
 */
export const received: ReceivedSummary[] = [];

export const on: EventHandlers = {
  'message.inbound': async (event) => {
    received.push(summarize(event, 'nodejs'));
  },
  'message.status': async (event) => {
    received.push(summarize(event, 'nodejs'));
  },
  'call.*': async (event) => {
    received.push(summarize(event, 'nodejs'));
  },
};
