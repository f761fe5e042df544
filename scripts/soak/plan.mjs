// The deliveries of a soak run, every one decided up front, so the expected outcome of each
// is known exactly: new events (some whose handler fails once), duplicates and forgeries.
import { createHmac } from 'node:crypto';

export const FAIL_ONCE_MARKER = 'soak:fail-once';

export const sign = (body, secret) => createHmac('sha256', secret).update(body).digest('hex');

const kinds = ['text', 'image', 'audio', 'location', 'interactive', 'reaction', 'button', 'document'];

/**
 * `{ plan, uniqueEvents, forgedIds }`: `plan` in sending order; each unique event is
 * `{ id, body, signature, type, failOnce }`, a duplicate the same with `duplicate: true`,
 * a forgery `{ body, signature, type, forged: true }`.
 */
export function buildPlan({ deliveries, secret, createTestEvent }) {
  const uniqueEvents = [];
  const forgedIds = new Set();
  const plan = [];
  for (let i = 0; i < deliveries; i++) {
    const roll = Math.random();
    if (roll < 0.01) {
      // Forged: a fresh event signed with the wrong secret. Must get 401 and never be handled.
      const event = createTestEvent('message.inbound');
      const body = JSON.stringify(event);
      forgedIds.add(event.event_id);
      plan.push({ body, signature: sign(body, 'an-attackers-guess'), type: event.event_type, forged: true });
    } else if (roll < 0.11 && uniqueEvents.length > 0) {
      // Duplicate: Vobiz redelivers the same bytes. Mostly recent (so copies race the
      // original, which may still be running: 409 then retry), sometimes older.
      const recent = Math.random() < 0.7;
      const from = recent ? Math.max(0, uniqueEvents.length - 200) : 0;
      const original = uniqueEvents[from + Math.floor(Math.random() * (uniqueEvents.length - from))];
      plan.push({ ...original, duplicate: true });
    } else {
      const failOnce = roll >= 0.11 && roll < 0.12;
      const type = failOnce
        ? 'message.inbound'
        : ['message.inbound', 'message.inbound', 'message.status', 'call.connect'][i % 4];
      const event = createTestEvent(type, { messageType: kinds[i % kinds.length] });
      if (failOnce)
        event.payload.entry[0].changes[0].value.messages[0] = {
          ...event.payload.entry[0].changes[0].value.messages[0],
          type: 'text',
          text: { body: FAIL_ONCE_MARKER },
        };
      const body = JSON.stringify(event);
      const entry = { id: event.event_id, body, signature: sign(body, secret), type, failOnce };
      uniqueEvents.push(entry);
      plan.push(entry);
    }
  }
  return { plan, uniqueEvents, forgedIds };
}
