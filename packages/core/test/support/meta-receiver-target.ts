import { createMetaReceiver, type MetaWebhookOptions, type Receiver } from '@vobiz-webhooks/core';
import type { DeliveryResponse, MakeMetaTarget, Target } from '@vobiz-webhooks/test-suites';

/**
 * A Meta target with no framework, as ./receiver-target.ts is for Vobiz: the request
 * goes straight into `receive`, with its path and query as `url` for the handshake.
 * The handshake's answer is text, kept as text; every other answer is JSON.
 */
export function metaReceiverTarget(
  create: (options: MetaWebhookOptions) => Receiver = createMetaReceiver,
): MakeMetaTarget {
  return (options): Target => {
    const receiver = create(options);
    return {
      async send({ method = 'POST', path = receiver.path, headers = {}, body = '' }): Promise<DeliveryResponse> {
        if (!receiver.matchesPath(path.split('?')[0] as string))
          return { status: 404, headers: {}, body: 'not the webhook path' };
        const result = await receiver.receive({ method, url: path, headers, rawBody: body });
        const json = result.headers['content-type']?.startsWith('application/json') === true;
        return { status: result.status, headers: result.headers, body: json ? JSON.parse(result.body) : result.body };
      },
    };
  };
}
