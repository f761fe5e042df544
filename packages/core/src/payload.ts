import type { Call, ChangeValue, Contact, Message, Status, VobizEvent } from './types';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every WhatsApp change `value` in an event, whichever payload shape arrived: the
 * value itself, or each `entry[].changes[].value` of a Meta object (which may batch).
 */
export function valuesOf(event: VobizEvent): ChangeValue[] {
  const payload: unknown = event.payload;
  if (!isObject(payload)) return [];
  if (!Array.isArray(payload.entry)) return [payload as ChangeValue];
  const values: ChangeValue[] = [];
  for (const entry of payload.entry as unknown[]) {
    if (!isObject(entry) || !Array.isArray(entry.changes)) continue;
    for (const change of entry.changes as unknown[]) {
      if (isObject(change) && isObject(change.value)) values.push(change.value as ChangeValue);
    }
  }
  return values;
}

function collect<T>(event: VobizEvent, key: 'messages' | 'statuses' | 'calls' | 'contacts'): T[] {
  const items: T[] = [];
  for (const value of valuesOf(event)) {
    const list = value[key];
    if (Array.isArray(list)) items.push(...(list as T[]));
  }
  return items;
}

/** All messages of an event, across every entry and change. Never read only `[0]`. */
export const messagesOf = (event: VobizEvent): Message[] => collect<Message>(event, 'messages');
/** All status updates of an event (message statuses, and call statuses under `field: "calls"`). */
export const statusesOf = (event: VobizEvent): Status[] => collect<Status>(event, 'statuses');
/** All calls of an event. */
export const callsOf = (event: VobizEvent): Call[] => collect<Call>(event, 'calls');
/** All contacts (sender profiles) of an event. */
export const contactsOf = (event: VobizEvent): Contact[] => collect<Contact>(event, 'contacts');
