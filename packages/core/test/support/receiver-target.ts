import { createReceiver, type Receiver, type VobizWebhookOptions } from '@vobiz-webhooks/core';
import type { DeliveryResponse, MakeTarget, Target } from '@vobiz-webhooks/test-suites';

/**
 * A target with no framework at all: the request goes straight into `receive`. Running
 * the conformance suite on it separates core bugs from adapter bugs. `create` lets a
 * test swap in another receiver factory (e.g. one built on the Web Crypto platform).
 */
export function receiverTarget(create: (options: VobizWebhookOptions) => Receiver = createReceiver): MakeTarget {
  return (options): Target => {
    const receiver = create(options);
    return {
      async send({ method = 'POST', path = receiver.path, headers = {}, body = '' }): Promise<DeliveryResponse> {
        if (!receiver.matchesPath(path.split('?')[0] as string))
          return { status: 404, headers: {}, body: 'not the webhook path' };
        const result = await receiver.receive({ method, headers, rawBody: body });
        return { status: result.status, headers: result.headers, body: JSON.parse(result.body) };
      },
    };
  };
}
