import type { LegacyEnvelope } from '../types';
import { RUN_ID, TEST_CUSTOMER, sampleMessage } from './fixtures';

/** The statuses Vobiz's earlier envelope has an event name for (`message.<status>`). */
const LEGACY_STATUS = new Set(['sent', 'delivered', 'read', 'failed']);

export interface LegacyTestOptions {
  event_id?: string;
  /** ISO timestamp; default now. */
  occurred_at?: string;
  /** The envelope's `channel_id`. */
  account_id?: string;
  /** Replaces the generated `data` entirely. */
  payload?: unknown;
  messageType?: string;
  status?: string;
}

let counter = 0;
const customer = `+${TEST_CUSTOMER}`;

/** Vobiz's earlier event name for a type: current names (`message.inbound`, `message.status`) or earlier ones. */
export function legacyEventName(type: string, status: string | undefined): string {
  if (type === 'message.inbound') return 'message.received';
  if (type === 'message.status') return `message.${status ?? 'delivered'}`;
  return type;
}

/** `data` shaped after the examples in Vobiz's earlier webhook pages. */
export function legacyData(name: string, options: LegacyTestOptions, timestamp: string): Record<string, unknown> {
  const n = ++counter;
  const messageId = `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2${RUN_ID}${n}`;
  if (name === 'message.received') {
    const message = sampleMessage(options.messageType ?? 'text', n, String(Math.floor(Date.parse(timestamp) / 1000)));
    const type = String(message.type);
    return {
      message_id: messageId,
      from: customer,
      contact: { id: `cnt_${n}a1b2c3`, name: 'Ana García', phone: customer },
      type,
      [type]: (message as Record<string, unknown>)[type],
      timestamp,
      context: null,
    };
  }
  const status = name.startsWith('message.') ? name.slice('message.'.length) : undefined;
  if (status !== undefined && LEGACY_STATUS.has(status)) {
    return {
      message_id: messageId,
      to: customer,
      ...(status === 'sent' ? { type: 'text' } : {}),
      status,
      ...(status === 'failed'
        ? { error: { code: 'INVALID_NUMBER', message: 'The phone number is not on WhatsApp', details: customer } }
        : {}),
      timestamp,
    };
  }
  if (name === 'contact.updated') {
    return {
      contact: {
        id: `cnt_${n}a1b2c3`,
        phone: customer,
        name: 'Ana García',
        email: 'ana@example.com',
        tags: ['vip', 'spain'],
        custom_attributes: { plan: 'pro' },
        created_at: '2024-01-15T09:00:00Z',
        updated_at: timestamp,
      },
      action: 'updated',
    };
  }
  if (name === 'campaign.completed') {
    return {
      campaign: {
        id: `cmp_${n}d4e5f6`,
        name: 'Rebajas de invierno',
        status: 'completed',
        started_at: new Date(Date.parse(timestamp) - 3_600_000).toISOString(),
        completed_at: timestamp,
        statistics: { total: 1000, sent: 990, delivered: 975, read: 640, failed: 10, responses: 85 },
      },
    };
  }
  return { note: 'an event name this library does not know yet', sample: true };
}

/** A delivery body in Vobiz's earlier envelope. */
export function legacyTestEvent(type: string, options: LegacyTestOptions): LegacyEnvelope {
  const timestamp = options.occurred_at ?? new Date().toISOString();
  const event = legacyEventName(type, options.status);
  return {
    event,
    event_id: options.event_id ?? `evt_${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`,
    timestamp,
    channel_id: options.account_id ?? 'ch_test01',
    data: (options.payload as Record<string, unknown> | undefined) ?? legacyData(event, options, timestamp),
  };
}
