import { callsOf, contactsOf, messagesOf, statusesOf, type Call, type Message, type Status, type VobizEvent } from '@vobiz-webhooks/core';
import type { DeliveryResult } from './send';

const clip = (text: string, max = 70): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const quote = (text: string | undefined): string => (text === undefined || text === '' ? '' : ` "${clip(text)}"`);

/** The part of a message a person wants to see first, by kind. */
function messageContent(message: Message): string {
  const m = message as Message & Record<string, any>;
  switch (message.type) {
    case 'text':
      return quote(m.text?.body);
    case 'image':
    case 'video':
    case 'audio':
    case 'sticker':
      return ` ${m[message.type]?.mime_type ?? ''}${quote(m[message.type]?.caption)}`;
    case 'document':
      return ` ${m.document?.filename ?? ''}${quote(m.document?.caption)}`;
    case 'location':
      return ` ${m.location?.latitude},${m.location?.longitude}${quote(m.location?.name)}`;
    case 'contacts':
      return quote((m.contacts as { name?: { formatted_name?: string } }[] | undefined)?.map((c) => c.name?.formatted_name).join(', '));
    case 'button':
      return quote(m.button?.text);
    case 'interactive': {
      const reply = m.interactive?.[m.interactive?.type] as { title?: string; name?: string } | undefined;
      return ` ${m.interactive?.type ?? ''}${quote(reply?.title ?? reply?.name)}`;
    }
    case 'reaction':
      return m.reaction?.emoji ? ` ${m.reaction.emoji} to ${m.reaction.message_id}` : ` removed on ${m.reaction?.message_id}`;
    case 'order':
      return ` ${(m.order?.product_items as unknown[] | undefined)?.length ?? 0} item(s)${quote(m.order?.text)}`;
    case 'system':
      return quote(m.system?.body);
    default:
      return m.errors?.[0]?.title ? ` (${m.errors[0].title})` : '';
  }
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
