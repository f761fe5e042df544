import { createHmac } from 'node:crypto';
import { createReceiver, memoryDedupeStore } from '@vobiz-webhooks/core';
import { createTestEvent } from '@vobiz-webhooks/core/testing';

// The fast twin of `node scripts/soak.mjs --memory` (1,000,000 events, default maxEntries):
// the in-memory store never holds more than maxEntries, whatever the traffic, and what it
// forgets is the oldest, so recent copies are still recognised.
const SECRET = 'whsec_memory_bound';
const MAX_ENTRIES = 500;

function deliveryFor(eventId: string) {
  const body = JSON.stringify(createTestEvent('message.status', { event_id: eventId }));
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-webhook-signature': signature },
    rawBody: body,
  };
}

test('20,000 unique events keep the store at maxEntries; recent copies stay duplicates, evicted ones are handled again', async () => {
  const warnings: string[] = [];
  const store = memoryDedupeStore({
    maxEntries: MAX_ENTRIES,
    logger: { warn: (line) => warnings.push(String(line)), error() {} },
  });
  const handled: string[] = [];
  const receiver = createReceiver({
    secret: SECRET,
    dedupe: store,
    logger: false,
    on: { '*': (event) => void handled.push(event.event_id) },
  });

  let largest = 0;
  for (let i = 0; i < 20_000; i++) {
    const result = await receiver.receive(deliveryFor(`evt-${i}`));
    expect(result.status).toBe(200);
    largest = Math.max(largest, store.size);
  }
  expect(handled).toHaveLength(20_000);
  expect(largest).toBe(MAX_ENTRIES);
  expect(store.size).toBe(MAX_ENTRIES);

  // The most recent maxEntries events are remembered...
  const recent = await receiver.receive(deliveryFor(`evt-${20_000 - MAX_ENTRIES}`));
  expect(recent.body).toBe('{"ok":true,"duplicate":true}');
  // ...and the oldest were forgotten: a copy that late is handled again. This is the
  // documented limit of a bounded store (SECURITY.md): size maxEntries for your redelivery
  // window, or use a shared store with a TTL (@vobiz-webhooks/redis).
  const evicted = await receiver.receive(deliveryFor('evt-0'));
  expect(evicted.body).toBe('{"ok":true}');
  expect(handled.filter((id) => id === 'evt-0')).toHaveLength(2);
  expect(store.size).toBe(MAX_ENTRIES);
  // Said once, when it first forgot an event inside its window.
  expect(warnings).toEqual([expect.stringMatching(/memoryDedupeStore is full .*\(1 so far\)/)]);
});

test('refused deliveries (forged, malformed, stale) never take a place in the store', async () => {
  const store = memoryDedupeStore({ maxEntries: MAX_ENTRIES, logger: false });
  const receiver = createReceiver({ secret: SECRET, dedupe: store, logger: false, on: { '*': () => undefined } });
  for (let i = 0; i < 2_000; i++) {
    const { headers, rawBody } = deliveryFor(`forged-${i}`);
    const forged = await receiver.receive({
      method: 'POST',
      headers: { ...headers, 'x-webhook-signature': 'f'.repeat(64) },
      rawBody,
    });
    expect(forged.status).toBe(401);
    const stale = JSON.stringify(
      createTestEvent('message.inbound', { event_id: `stale-${i}`, occurred_at: '2020-01-01T00:00:00Z' }),
    );
    const staleSigned = createHmac('sha256', SECRET).update(stale).digest('hex');
    const old = await receiver.receive({
      method: 'POST',
      headers: { 'x-webhook-signature': staleSigned },
      rawBody: stale,
    });
    expect([old.status, old.error?.code]).toEqual([400, 'stale_event']);
  }
  expect(store.size).toBe(0);
});

test('deliveries in flight beyond maxEntries keep their claims; copies wait; the store shrinks back after', async () => {
  const store = memoryDedupeStore({ maxEntries: 50, logger: false });
  const started: string[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let allStarted!: () => void;
  const eighty = new Promise<void>((resolve) => (allStarted = resolve));
  const receiver = createReceiver({
    secret: SECRET,
    dedupe: store,
    logger: false,
    on: {
      '*': async (event) => {
        const again = started.includes(event.event_id);
        started.push(event.event_id);
        if (started.length === 80) allStarted();
        // Only a first run waits: a copy run a second time (the bug) answers at once.
        if (!again) await gate;
      },
    },
  });

  // 80 slow handlers at once, more than the store's 50 entries: none may lose its claim.
  const inFlight = Array.from({ length: 80 }, (_, i) => receiver.receive(deliveryFor(`slow-${i}`)));
  await eighty;
  expect(store.size).toBe(80);
  const copy = await receiver.receive(deliveryFor('slow-0'));
  expect([copy.status, copy.error?.code]).toEqual([409, 'in_progress']);

  open();
  expect((await Promise.all(inFlight)).map((result) => result.status)).toEqual(Array(80).fill(200));
  expect(started).toHaveLength(80);
  expect(store.size).toBeLessThanOrEqual(50);
  for (let i = 0; i < 10; i++) expect((await receiver.receive(deliveryFor(`later-${i}`))).status).toBe(200);
  expect(store.size).toBe(50);
  // The newest are remembered: a copy of the last slow delivery to finish is a duplicate.
  expect((await receiver.receive(deliveryFor('slow-79'))).body).toBe('{"ok":true,"duplicate":true}');
});
