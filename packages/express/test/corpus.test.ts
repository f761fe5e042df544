import express from 'express';
import { vobizWebhook } from '@vobiz-webhooks/express';
import { type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';
import type { Target } from '@vobiz-webhooks/test-suites';
import { corpus, HELPERS } from '@vobiz-webhooks/test-suites/corpus';
import { targetFor } from './support/target';

// The payload corpus through the real Express middleware, over HTTP, byte for byte:
// every Cloud API payload as the whole Meta object, and every on-premises body.

const SECRET = 'whsec_corpus_express_3b7f10';

let target: Target;
let seen: VobizEvent[] = [];

beforeAll(async () => {
  // One app for the whole file: each delivery has its own event_id, so dedupe never interferes.
  const middleware = vobizWebhook({ secret: SECRET, logger: false, on: { '*': (event) => void seen.push(event) } });
  target = await targetFor(express().use(middleware));
});
afterAll(async () => {
  await target.close?.();
});
beforeEach(() => {
  seen = [];
});

describe.each(corpus)('$shape/$name through Express', (entry) => {
  it(`is accepted and read whole: ${entry.description}`, async () => {
    const { body, headers } = signedRequest(createTestEvent(entry.eventType, { payload: entry.payload }), SECRET);
    const response = await target.send({ method: 'POST', headers: { ...headers }, body });

    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { ok: true } });
    expect(seen).toHaveLength(1);
    const event = seen[0] as VobizEvent;
    expect(event.event_type).toBe(entry.eventType);
    expect(event.payload).toStrictEqual(entry.payload);
    const counts = Object.fromEntries(Object.entries(HELPERS).map(([key, helper]) => [key, helper(event).length]));
    expect(counts).toEqual(entry.expect);
  });
});
