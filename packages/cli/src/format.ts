import { callsOf, contactsOf, messagesOf, statusesOf, type Call, type Message, type Status, type VobizEvent } from '@vobiz-webhooks/core';
import type { DeliveryResult } from './send';

const clip = (text: string, max = 70): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const quote = (text: string | undefined): string => (text === undefined || text === '' ? '' : ` "${clip(text)}"`);

/** The part of a message a person wants to see first, by kind. */
function messageContent(m: Message): string {
  const media = m.image ?? m.video ?? m.audio ?? m.sticker;
  if (m.text) return quote(m.text.body);
  if (media) return ` ${media.mime_type ?? ''}${quote(typeof media.caption === 'string' ? media.caption : undefined)}`;
  if (m.document) return ` ${m.document.filename ?? ''}${quote(typeof m.document.caption === 'string' ? m.document.caption : undefined)}`;
  if (m.location) return ` ${m.location.latitude},${m.location.longitude}${quote(m.location.name)}`;
  if (m.contacts) return quote(m.contacts.map((contact) => contact.name?.formatted_name ?? '?').join(', '));
  if (m.button) return quote(m.button.text);
  if (m.interactive) {
    const { button_reply, list_reply, nfm_reply } = m.interactive;
    return ` ${m.interactive.type}${quote(button_reply?.title ?? list_reply?.title ?? nfm_reply?.name)}`;
  }
  if (m.reaction) return m.reaction.emoji ? ` ${m.reaction.emoji} to ${m.reaction.message_id}` : ` removed on ${m.reaction.message_id}`;
  if (m.order) return ` ${m.order.product_items?.length ?? 0} item(s)${quote(m.order.text)}`;
  if (m.system) return quote(m.system.body);
  const error = m.errors?.[0];
  return error?.title ? ` (${error.title})` : '';
}

const describeMessage = (m: Message): string => `message ${m.type}${messageContent(m)} from ${m.from ?? '(username user)'} ${m.id}`;

function describeStatus(s: Status): string {
  const error = s.errors?.[0];
  const why = error ? ` error ${error.code}${error.title ? ` ${error.title}` : ''}` : '';
  return `status ${s.status} ${s.id}${s.recipient_id ? ` to ${s.recipient_id}` : ''}${why}`;
}

function describeCall(c: Call): string {
  const parts = [`call ${c.event ?? ''}`.trim(), c.id, `${c.from ?? '?'} → ${c.to ?? '?'}`];
  if (c.status) parts.push(String(c.status));
  if (c.direction) parts.push(String(c.direction));
  if (c.duration !== undefined) parts.push(`${c.duration}s`);
  return parts.join(' ');
}

/** One line per message, status, call and contact in the event, whichever payload shape it has. */
export function describeEventItems(event: VobizEvent): string[] {
  const lines = [
    ...messagesOf(event).map(describeMessage),
    ...statusesOf(event).map(describeStatus),
    ...callsOf(event).map(describeCall),
    ...contactsOf(event).map((c) => `contact ${c.profile?.name ?? '(no name)'} (${c.wa_id ?? c.user_id ?? '?'})`),
  ];
  return lines.length > 0 ? lines : ['(no messages, statuses or calls in this payload)'];
}

/** `ok`, `duplicate`, or `<code>: <message>` from a receiver's JSON answer. */
export function describeAnswer(status: number, json: unknown, text: string): string {
  const body = json as { ok?: boolean; duplicate?: boolean; error?: { code?: string; message?: string } } | undefined;
  if (body?.error?.code) return `${status} ${body.error.code}: ${body.error.message ?? ''}`.trim();
  if (body?.duplicate) return `${status} duplicate (already handled)`;
  if (body?.ok) return `${status} ok`;
  return `${status} ${clip(text, 100) || '(empty body)'}`;
}

/** The line `send` prints per answer. */
export function describeResult(result: DeliveryResult): string {
  const mark = result.ok ? '✓' : '✗';
  const id = result.delivery.eventId ? ` ${result.delivery.eventId}` : '';
  return `${mark} ${result.delivery.label}${id} → ${describeAnswer(result.status, result.json, result.body)} (${result.durationMs} ms)`;
}
