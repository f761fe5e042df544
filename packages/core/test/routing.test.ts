import { createReceiver, routeHandlers, type EventHandlers, type VobizEvent } from '@vobiz-webhooks/core';
import { createTestEvent, signedRequest } from '@vobiz-webhooks/core/testing';

// A worker routes with core's routeHandlers, as the receiver does (docs/architecture.md): this
// table proves both agree, reading the receiver's choice through its public API (which
// handlers an inline delivery runs, in order).
const SECRET = 'whsec_routing_table';

const configurations: Record<string, string[]> = {
  'every key': ['message.inbound', 'message.status', 'call.connect', 'call.terminate', 'call.*', '*'],
  'wildcards only': ['call.*', '*'],
  'no wildcard': ['message.inbound', 'call.connect'],
  'call.* without *': ['call.*', 'message.status'],
  'only *': ['*'],
  'a future call type': ['call.transfer', '*'],
  "Meta's other fields": ['meta.account_update', 'meta.*', '*'],
  'meta.* alone': ['meta.*'],
  'keys named like Object.prototype': ['valueOf', 'toString', '*'],
  nothing: [],
};

const eventTypes = [
  'message.inbound',
  'message.status',
  'call.connect',
  'call.status_change',
  'call.terminate',
  'call.transfer',
  'call.',
  'meta.account_update',
  'meta.message_template_status_update',
  'template.category_update',
  'valueOf',
  'toString',
  'constructor',
  '__proto__',
];

async function receiverRoute(keys: string[], eventType: string): Promise<string[]> {
  const ran: string[] = [];
  const on = Object.fromEntries(keys.map((key) => [key, () => void ran.push(key)])) as EventHandlers;
  const receiver = createReceiver({ secret: SECRET, logger: false, on });
  const event = { ...createTestEvent('message.inbound'), event_type: eventType, payload: {} } as VobizEvent;
  const { body, headers } = signedRequest(event, SECRET);
  const result = await receiver.receive({ method: 'POST', headers, rawBody: body });
  expect(result.status).toBe(200);
  return ran;
}

describe('worker routing agrees with the receiver', () => {
  for (const [label, keys] of Object.entries(configurations)) {
    it.each(eventTypes)(`${label}: %s`, async (eventType) => {
      const on = Object.fromEntries(keys.map((key) => [key, () => undefined]));
      const workerRoute = routeHandlers(on)(eventType).map((routed) => routed.key);
      expect(workerRoute).toEqual(await receiverRoute(keys, eventType));
    });
  }

  it("'meta.*' runs for every meta.<field> after its own key, and for nothing else", () => {
    const on = Object.fromEntries(
      ['meta.account_update', 'meta.*', 'call.*', '*'].map((key) => [key, () => undefined]),
    );
    const route = routeHandlers(on);
    const keys = (type: string) => route(type).map((routed) => routed.key);
    expect(keys('meta.account_update')).toEqual(['meta.account_update', 'meta.*', '*']);
    expect(keys('meta.message_template_status_update')).toEqual(['meta.*', '*']);
    expect(keys('call.connect')).toEqual(['call.*', '*']);
    expect(keys('message.inbound')).toEqual(['*']);
  });

  it('refuses what the receiver refuses', () => {
    expect(() => routeHandlers(undefined)).toThrow(/`on` is required/);
    expect(() => routeHandlers({ 'message.inbound': 'not a function' })).toThrow(
      "the handler for 'message.inbound' must be a function",
    );
    expect(() => routeHandlers({ '*': 42 })).toThrow("the handler for '*' must be a function");
    // A key is the user's text: escaped, so a terminal shows it and runs nothing.
    expect(() => routeHandlers({ '\u001b[2Jwiped': 42 })).toThrow(/^(?!.*\u001b).*must be a function/s);
  });
});

describe('a handler key no event arrives under', () => {
  const warningsFor = (keys: string[]): string[] => {
    const warnings: string[] = [];
    const on = Object.fromEntries(keys.map((key) => [key, () => undefined])) as EventHandlers;
    createReceiver({
      secret: SECRET,
      on,
      logger: { warn: (line: unknown) => warnings.push(String(line)), error: () => {} },
    });
    return warnings;
  };

  it('is warned about once at construction, with the key it most likely meant', () => {
    const warnings = warningsFor(['message.status', 'message.inboud', 'Message.Status', 'call.*', 'cal.*']);
    expect(warnings).toEqual([
      expect.stringContaining("a handler for 'message.inboud', an event type this version does not know"),
      expect.stringContaining("a handler for 'Message.Status'"),
      expect.stringContaining("a handler for 'cal.*'"),
    ]);
    expect(warnings[0]).toContain("Did you mean 'message.inbound'?");
    expect(warnings[1]).toContain("Did you mean 'message.status'?");
    expect(warnings[2]).toContain("Did you mean 'call.*'?");
    // Short names take fewer edits: 'ab' is no misspelling of '*'.
    expect(warningsFor(['ab'])).toEqual([expect.not.stringContaining('Did you mean')]);
    // Near one of Vobiz's earlier names: the key that name became.
    expect(warningsFor(['message.recieved'])).toEqual([expect.stringContaining("Did you mean 'message.inbound'?")]);
  });

  it('shows an invisible character in the key it names, beside the key that looks the same', () => {
    const [warning] = warningsFor(['message.inbound\u200b']);
    expect(warning).toContain("a handler for 'message.inbound\\u200b'");
    expect(warning).toContain("Did you mean 'message.inbound'?");
  });

  it('an unknown type far from every key is still named, without a guess; it keeps its handler', async () => {
    const [warning, ...rest] = warningsFor(['template.category_update']);
    expect(rest).toEqual([]);
    expect(warning).toMatch(/'template.category_update', an event type this version does not know/);
    expect(warning).not.toContain('Did you mean');
    expect(await receiverRoute(['template.category_update', '*'], 'template.category_update')).toEqual([
      'template.category_update',
      '*',
    ]);
  });

  it('every key the types name, any call.<event> and meta.<field>, is not warned about', () => {
    const h = () => undefined;
    // Annotated: a key the types do not name would not compile here.
    const on: EventHandlers = {
      'message.inbound': h,
      'message.status': h,
      'contact.updated': h,
      'campaign.completed': h,
      'call.*': h,
      'meta.*': h,
      '*': h,
      'call.connect': h,
      'meta.account_update': h,
    };
    expect(warningsFor(Object.keys(on))).toEqual([]);
  });

  it('routeHandlers, which the worker routes with, warns through the log it is given', () => {
    const warnings: string[] = [];
    routeHandlers(
      { 'mesage.status': () => undefined },
      { log: { warn: (line: unknown) => warnings.push(String(line)), error: () => {} } },
    );
    expect(warnings).toEqual([expect.stringContaining("Did you mean 'message.status'?")]);
  });
});
