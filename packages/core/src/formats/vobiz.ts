import { parseEnvelope } from '../envelope';
import { VobizWebhookError } from '../errors';
import { getHeader } from '../headers';
import { safeName } from '../log';
import { decodeHexSignature } from '../signature-format';
import type { WireFormat } from './format';

/**
 * Vobiz's current envelope: `X-Webhook-Signature` (bare hex, lowercase as Vobiz sends it), one event per
 * delivery, deduped on `event_id`, occurred at `occurred_at`. `X-Webhook-Event`, when
 * present, must name the body's `event_type`.
 */
export const vobizFormat: WireFormat = {
  source: 'vobiz',
  signatureHeader: 'x-webhook-signature',
  signatureName: 'X-Webhook-Signature',
  acceptedBy: 'vobizWebhook (createReceiver in the core)',
  decodeSignature: decodeHexSignature,
  events(text, headers) {
    const event = parseEnvelope(text);
    const headerType = getHeader(headers, 'x-webhook-event');
    if (headerType !== undefined && headerType !== event.event_type) {
      throw new VobizWebhookError(
        'event_type_mismatch',
        `X-Webhook-Event '${safeName(headerType, 64)}' does not match the body's event_type ` +
          `'${safeName(event.event_type, 64)}'.`,
      );
    }
    return [event];
  },
};
