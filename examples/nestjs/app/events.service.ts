import { Injectable } from '@nestjs/common';
import { callsOf, messagesOf, statusesOf, type VobizEvent } from '@vobiz-webhooks/core';

/** What the webhook handlers saw, one line per message, status or call; `GET /received` shows it. */
@Injectable()
export class EventsService {
  readonly received: string[] = [];

  record(event: VobizEvent): void {
    const items = [
      ...messagesOf(event).map((m) => `message ${m.type ?? '?'} from ${m.from ?? '?'}`),
      ...statusesOf(event).map((s) => `status ${s.status ?? '?'} of ${s.id ?? '?'}`),
      ...callsOf(event).map((c) => `call ${c.event ?? '?'} from ${c.from ?? '?'}`),
    ];
    this.received.push(...(items.length > 0 ? items : [event.event_type]));
  }
}
