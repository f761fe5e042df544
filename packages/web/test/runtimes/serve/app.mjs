// What every runtime serves: the built handler, with a probe the test reads back.
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

/** `GET /seen` answers what the handlers saw; every other request goes to the webhook. */
export const withProbe =
  (webhook, probe) =>
  (request, ...rest) =>
    new URL(request.url).pathname === '/seen' ? Response.json(probe()) : webhook(request, ...rest);
