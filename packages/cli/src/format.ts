import {
  callsOf,
  contactsOf,
  messagesOf,
  statusesOf,
  type Call,
  type Message,
  type Status,
  type VobizEvent,
} from '@vobiz-webhooks/core';
import type { DeliveryResult } from './send';
import { terminalText as safe } from './terminal-text';

// Every value below comes from whoever sent the delivery or answered it: each goes through
// `safe` on its own, so the CLI's own words and arrows are the only structure on the line.
const quote = (text: string | null | undefined): string => (text ? ` "${safe(text)}"` : '');

/** The part of a message a person wants to see first, by kind. */
function messageContent(m: Message): string {
  const media = m.image ?? m.video ?? m.audio ?? m.sticker;
  if (m.text) return quote(m.text.body);
  if (media) {
    const caption = typeof media.caption === 'string' ? media.caption : undefined;
    return ` ${safe(media.mime_type ?? '')}${quote(caption)}`;
  }
  if (m.document) {
    const caption = typeof m.document.caption === 'string' ? m.document.caption : undefined;
    return ` ${safe(m.document.filename ?? '')}${quote(caption)}`;
  }
  if (m.location) return ` ${safe(m.location.latitude)},${safe(m.location.longitude)}${quote(m.location.name)}`;
  if (m.contacts) return quote(m.contacts.map((contact) => contact.name?.formatted_name ?? '?').join(', '));
  if (m.button) return quote(m.button.text);
  if (m.interactive) {
    const { button_reply, list_reply, nfm_reply } = m.interactive;
    return ` ${safe(m.interactive.type)}${quote(button_reply?.title ?? list_reply?.title ?? nfm_reply?.name)}`;
  }
  if (m.reaction) {
    const target = safe(m.reaction.message_id);
    return m.reaction.emoji ? ` ${safe(m.reaction.emoji)} to ${target}` : ` removed on ${target}`;
  }
  if (m.order) return ` ${m.order.product_items?.length ?? 0} item(s)${quote(m.order.text)}`;
  if (m.system) return quote(m.system.body);
  const error = m.errors?.[0];
  return error?.title ? ` (${safe(error.title)})` : '';
}

function describeMessage(m: Message): string {
  return `message ${safe(m.type)}${messageContent(m)} from ${safe(m.from ?? '(username user)')} ${safe(m.id)}`;
}

function describeStatus(s: Status): string {
  const error = s.errors?.[0];
  const why = error ? ` error ${safe(error.code)}${error.title ? ` ${safe(error.title)}` : ''}` : '';
  return `status ${safe(s.status)} ${safe(s.id)}${s.recipient_id ? ` to ${safe(s.recipient_id)}` : ''}${why}`;
}

function describeCall(c: Call): string {
  const parts = [`call ${safe(c.event ?? '')}`.trim(), safe(c.id), `${safe(c.from ?? '?')} → ${safe(c.to ?? '?')}`];
  if (c.status) parts.push(safe(c.status));
  if (c.direction) parts.push(safe(c.direction));
  if (c.duration !== undefined && c.duration !== null) parts.push(`${safe(c.duration)}s`);
  return parts.join(' ');
}

/** One line per message, status, call and contact in the event, whichever payload shape it has. */
export function describeEventItems(event: VobizEvent): string[] {
  const lines = [
    ...messagesOf(event).map(describeMessage),
    ...statusesOf(event).map(describeStatus),
    ...callsOf(event).map(describeCall),
    ...contactsOf(event).map(
      (c) => `contact ${safe(c.profile?.name ?? '(no name)')} (${safe(c.wa_id ?? c.user_id ?? '?')})`,
    ),
  ];
  return lines.length > 0 ? lines : ['(no messages, statuses or calls in this payload)'];
}

/** `ok`, `duplicate`, or `<code>: <message>` from a receiver's JSON answer. */
export function describeAnswer(status: number, json: unknown, text: string): string {
  const body = json as { ok?: boolean; duplicate?: boolean; error?: { code?: string; message?: string } } | undefined;
  if (body?.error?.code) return `${status} ${safe(body.error.code)}: ${safe(body.error.message ?? '')}`.trim();
  if (body?.duplicate) return `${status} duplicate (already handled)`;
  if (body?.ok) return `${status} ok`;
  return `${status} ${safe(text) || '(empty body)'}`;
}

/** The line `send` prints per answer. */
export function describeResult(result: DeliveryResult): string {
  const mark = result.ok ? '✓' : '✗';
  const id = result.delivery.eventId ? ` ${safe(result.delivery.eventId)}` : '';
  const answer = describeAnswer(result.status, result.json, result.body);
  return `${mark} ${safe(result.delivery.label)}${id} → ${answer} (${result.durationMs} ms)`;
}
