import type { Call, ChangeValue, Contact, Message, MessageEcho, MetaError, Status, VobizEvent } from './types';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every WhatsApp change `value` in an event, whichever payload shape arrived: each
 * `entry[].changes[].value` of a Meta object (which may batch entries and changes),
 * or the payload itself when it is a change value or an on-premises body.
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

type ListKey = 'messages' | 'statuses' | 'calls' | 'contacts' | 'errors' | 'message_echoes';

/** The items of one array across every value, as sent; anything that is not an array is skipped. */
function collect<T>(values: readonly Record<string, unknown>[], key: ListKey): T[] {
  const items: T[] = [];
  for (const value of values) {
    const list = value[key];
    if (Array.isArray(list)) for (const item of list) items.push(item as T);
  }
  return items;
}

const listOf =
  <T>(key: ListKey) =>
  (event: VobizEvent): T[] =>
    collect<T>(valuesOf(event), key);

/** All messages of an event, across every entry and change. Never read only `[0]`. */
export const messagesOf: (event: VobizEvent) => Message[] = listOf<Message>('messages');
/** All status updates of an event (message statuses, and call statuses under `field: "calls"`). */
export const statusesOf: (event: VobizEvent) => Status[] = listOf<Status>('statuses');
/** All calls of an event. */
export const callsOf: (event: VobizEvent) => Call[] = listOf<Call>('calls');
/** All contacts (sender profiles) of an event. */
export const contactsOf: (event: VobizEvent) => Contact[] = listOf<Contact>('contacts');
/** Messages the business sent from the WhatsApp Business app, echoed to the API (`message_echoes`). */
export const messageEchoesOf: (event: VobizEvent) => MessageEcho[] = listOf<MessageEcho>('message_echoes');

/**
 * Every error reported outside a message or status, value by value: the value's own
 * `errors` (out-of-band errors; the top-level `errors` of an on-premises body), then
 * the `errors` of each of its calls. A message's or a status's own `errors` stay on
 * that item (`statusesOf(event)[i].errors`).
 */
export function errorsOf(event: VobizEvent): MetaError[] {
  const errors: MetaError[] = [];
  for (const value of valuesOf(event)) {
    errors.push(...collect<MetaError>([value], 'errors'));
    errors.push(...collect<MetaError>(collect<Record<string, unknown>>([value], 'calls').filter(isObject), 'errors'));
  }
  return errors;
}
