import { createTestEvent } from '@vobiz-webhooks/core/testing';
import type { VobizEvent } from '@vobiz-webhooks/core';
import { DEPARTURE_CHECKS, departureReporter } from '../src/departures';

/** A message.inbound whose message `timestamp` is a number, where Meta documents a string. */
const departing = (id: string): VobizEvent => {
  const event = createTestEvent('message.inbound', { event_id: id });
  const value = (event.payload as { entry: { changes: { value: { messages: { timestamp: unknown }[] } }[] }[] })
    .entry[0]!.changes[0]!.value;
  value.messages[0]!.timestamp = 1700000000;
  return event;
};
const conforming = (id: string): VobizEvent => createTestEvent('message.inbound', { event_id: id });

function recorded() {
  const warnings: string[] = [];
  const logger = { warn: (message: unknown) => void warnings.push(String(message)), error: () => undefined };
  const reporter = departureReporter();
  const report = (event: VobizEvent, now: number) => reporter(event, now, logger);
  return { warnings, report };
}

describe('departureReporter', () => {
  const T = 1_780_000_000_000;

  it('reports a departure once per event type and path, naming the path', () => {
    const { warnings, report } = recorded();
    report(departing('a'), T);
    report(departing('b'), T + 1);
    report(departing('c'), T + 5_000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('message.inbound payload departs');
    expect(warnings[0]).toContain('payload.entry[].changes[].value.messages[].timestamp');
  });

  it(`checks ${DEPARTURE_CHECKS.burst} events back to back, then ${DEPARTURE_CHECKS.perSecond} a second`, () => {
    const { warnings, report } = recorded();
    for (let i = 0; i < DEPARTURE_CHECKS.burst; i++) report(conforming(`ok-${i}`), T);
    // The burst is spent: not checked, so not reported.
    report(departing('late'), T);
    expect(warnings).toEqual([]);
    // One check comes back every 1000 / perSecond ms.
    report(departing('refilled'), T + 1000 / DEPARTURE_CHECKS.perSecond);
    expect(warnings).toHaveLength(1);
  });

  it('refills at most the burst, and nothing for a clock stepped back', () => {
    const { warnings, report } = recorded();
    report(conforming('first'), T);
    // An hour idle refills the burst, not more.
    for (let i = 0; i < DEPARTURE_CHECKS.burst; i++) report(conforming(`ok-${i}`), T + 3_600_000);
    report(departing('late'), T + 3_600_000);
    expect(warnings).toEqual([]);
    report(departing('stepped back'), T);
    expect(warnings).toEqual([]);
  });

  it('spends nothing of the budget on event types Meta does not describe', () => {
    const { warnings, report } = recorded();
    for (let i = 0; i < 2 * DEPARTURE_CHECKS.burst; i++) report(createTestEvent('account.update'), T);
    report(departing('a'), T);
    expect(warnings).toHaveLength(1);
  });

  it("checks nothing of Vobiz's earlier envelope, whose payload is the library's own mapping", () => {
    const { warnings, report } = recorded();
    report({ ...departing('legacy'), source: 'vobiz-legacy' }, T);
    expect(warnings).toEqual([]);
    report(departing('current'), T);
    expect(warnings).toHaveLength(1);
  });

  it('checks nothing without a logger', () => {
    expect(departureReporter()(departing('a'), T, undefined)).toBeUndefined();
  });
});
