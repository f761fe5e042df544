// What every runtime serves: the built handlers, with a probe the test reads back.
export const MAX_BODY_BYTES = 4096;

/** `message.inbound` is recorded; `message.status` fails, for the 500 handler_failed check. */
export function webhookOptions(secret, seen) {
  return {
    secret,
    maxBodyBytes: MAX_BODY_BYTES,
    logger: false,
    on: {
      'message.inbound': (event) => void seen.push(event.event_id),
      'message.status': () => {
        throw new Error('handler down');
      },
    },
  };
}

/** `metaWebhook`'s: every item is recorded, with its source. */
export function metaOptions(appSecret, verifyToken, seen) {
  return {
    appSecret,
    verifyToken,
    logger: false,
    on: { '*': (event) => void seen.push(`${event.source}:${event.event_id}`) },
  };
}

/** `GET /seen` answers what the handlers saw; `/webhooks/meta` goes to Meta's handler, the rest to Vobiz's. */
export const withProbe =
  (webhook, meta, probe) =>
  (request, ...rest) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/seen') return Response.json(probe());
    return (pathname.startsWith('/webhooks/meta') ? meta : webhook)(request, ...rest);
  };
