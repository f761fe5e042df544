export const mainHelp = `vobiz-webhooks: send, sign, verify and receive Vobiz WhatsApp webhooks locally

Usage:
  vobiz-webhooks <command> [options]

Commands:
  send <url>     POST realistic signed deliveries (as Vobiz or Meta sends them) and print each answer
  sign [file|-]  print the signature header value of a body's exact bytes
  verify [file|-] --signature <value>
                 check a signature against a body; exit 0 on a match, 1 otherwise (with why)
  listen         run a local receiver that verifies and prints every delivery
  queue failed   list the events whose handlers failed for good (queue mode, BullMQ on Redis)
  queue retry [--all | <event_id>]
                 run failed events' handlers again

Sources (--source on send, sign, verify, listen):
  vobiz          Vobiz's current envelope, X-Webhook-Signature (default)
  vobiz-legacy   Vobiz's earlier envelope, X-Vobiz-Signature (hex, HEX or base64, ± sha256=)
  meta           Meta's Cloud API directly, X-Hub-Signature-256 (sha256=<hex>), GET handshake

The secret comes from --secret, or from VOBIZ_WEBHOOK_SECRET when the flag is absent; for
--source meta, the app secret from --app-secret, or META_APP_SECRET.
Run \`vobiz-webhooks <command> --help\` for a command's options.
Exit codes: 0 success, 1 the check failed (non-2xx answer, unreachable URL, mismatch), 2 bad arguments.
`;

const queueOptions = `  --redis <url>   the queue's Redis (default: $REDIS_URL, else redis://127.0.0.1:6379)
  --name <queue>  the queue's name, as given to bullmqQueue and createWorker (default vobiz-webhooks)
  --prefix <p>    BullMQ's key prefix, if the app set one (default bull)
  --timeout <ms>  longest wait for Redis (default 5000)
  -h, --help      this help`;

export const queueHelp = `Usage: vobiz-webhooks queue <failed | retry> [options]

Queue mode (@vobiz-webhooks/bullmq): the failed set is the dead-letter list, the events
whose handlers still failed after the last attempt. \`failed\` lists them; \`retry\` puts them
back in the queue, where a worker runs the handlers that have not completed.

  queue failed                    list them: event id, type, attempts, when, the last error
  queue retry <event_id>          retry one event
  queue retry --all               retry every failed event
  queue retry … --reset-attempts  with the whole retry schedule again, not one more attempt

Options:
${queueOptions}

Exit codes: 0 done, 1 Redis unreachable or no failed job for that event, 2 bad arguments.
`;

export const queueFailedHelp = `Usage: vobiz-webhooks queue failed [--redis <url>] [--name <queue>]

Lists the failed set, oldest first: event id, event type, attempts made, when the last
attempt failed, and its error. Values are printed escaped and shortened, as everywhere.

Options:
${queueOptions}

Example:
  vobiz-webhooks queue failed --redis redis://localhost:6379 --name vobiz-webhooks
`;

export const queueRetryHelp = `Usage: vobiz-webhooks queue retry [--all | <event_id>] [--redis <url>] [--name <queue>]

Puts failed events back in the queue (BullMQ's job.retry()). A worker then runs only the
handlers that did not complete. Each event gets one more attempt: if it fails again it is
back in the failed set. --reset-attempts gives it the whole retry schedule instead.

Options:
  --all             every failed event
  --reset-attempts  start the attempt count again (the full backoff schedule)
${queueOptions}

Exit codes: 0 retried, 1 no failed job for that event (or Redis unreachable), 2 bad arguments.
`;

export const sendHelp = `Usage: vobiz-webhooks send <url> [options]

POSTs signed deliveries with the headers their sender sends, one after the other, and
prints each answer: Vobiz (Content-Type: application/json, X-Webhook-Signature,
X-Webhook-Event), Vobiz's earlier envelope (X-Vobiz-Signature) or Meta (X-Hub-Signature-256).
Exits 1 if any answer is not 2xx or the URL cannot be reached.

Options:
  --source <s>          vobiz (default), vobiz-legacy or meta
  --secret <s>          the subscription secret (default: $VOBIZ_WEBHOOK_SECRET)
  --app-secret <s>      --source meta: the Meta app secret (default: $META_APP_SECRET)
  --encoding <e>        --source vobiz-legacy: hex (default), HEX or base64
  --prefix              --source vobiz-legacy: write sha256= before the signature
  --type <event_type>   message.inbound (default), message.status, call.connect,
                        call.status_change, call.terminate, any future type, or
                        all: one of every event type, message kind and status;
                        vobiz-legacy also: contact.updated, campaign.completed and
                        the earlier names (message.received, message.delivered, …)
  --message-type <kind> for message.inbound: text (default), image, video, audio, document,
                        sticker, location, contacts, button, interactive, list_reply,
                        nfm_reply, reaction, order, system, unsupported, request_welcome
  --status <value>      for message.status (sent, delivered, read, failed, played) or
                        call.status_change (RINGING, ACCEPTED, REJECTED)
  --shape <meta|value>  --source vobiz: payload as the whole Meta object (default) or
                        the change value
  --file <path|->       send this body instead, byte for byte (- reads stdin); signed as
                        --source says, else as its shape says (Meta's with --app-secret)
  --repeat <n>          send it all n times, with fresh event ids (default 1; a --file
                        body is sent as it is each time)
  --duplicate           follow each delivery with an identical copy, as a Vobiz retry
  --tamper              change each body after signing (your endpoint must answer 401)
  --timeout <ms>        per delivery (default 10000; Vobiz waits only a few seconds)
  -h, --help            this help

A --source meta URL without a path is sent to /webhooks/meta.

Examples:
  vobiz-webhooks send http://localhost:3000/webhooks/vobiz --secret whsec_dev --type all
  VOBIZ_WEBHOOK_SECRET=whsec_dev vobiz-webhooks send https://abc.ngrok.app/webhooks/vobiz --duplicate
  vobiz-webhooks send http://localhost:3000/webhooks/vobiz --source vobiz-legacy --secret whsec_dev \\
    --type message.delivered --encoding base64 --prefix
  vobiz-webhooks send http://localhost:3000 --source meta --app-secret meta_app_secret \\
    --type message.status --status read
`;

export const signHelp = `Usage: vobiz-webhooks sign [file|-] [--source <s>] [--secret <s> | --app-secret <s>]

Prints the HMAC-SHA256 of the exact bytes of the file (or stdin), keyed by the secret, as
the source's signature header carries it: lowercase hex for X-Webhook-Signature (vobiz),
sha256=<hex> for X-Hub-Signature-256 (meta), the chosen encoding for X-Vobiz-Signature
(vobiz-legacy). Nothing is trimmed or re-encoded, so a trailing newline in the file is part
of what is signed.

Options:
  --source <s>      vobiz (default), vobiz-legacy or meta
  --secret <s>      the subscription secret (default: $VOBIZ_WEBHOOK_SECRET)
  --app-secret <s>  --source meta: the Meta app secret (default: $META_APP_SECRET)
  --encoding <e>    --source vobiz-legacy: hex (default), HEX or base64
  --prefix          --source vobiz-legacy: write sha256= before the signature
  -h, --help        this help

Examples:
  vobiz-webhooks sign event.json --secret whsec_dev
  vobiz-webhooks sign meta-body.json --source meta --app-secret meta_app_secret
  vobiz-webhooks sign legacy.json --source vobiz-legacy --encoding base64 --secret whsec_dev
`;

export const verifyHelp = `Usage: vobiz-webhooks verify [file|-] --signature <value> [--source <s>] [--secret <s>]...

Checks a signature header value against the exact bytes of the file (or stdin). Exits 0 on
a match; otherwise 1, with the likely cause (a sha256= prefix, a quoted secret, an added
newline, a wrong length…) and the body's length and SHA-256. Never prints the secret.

Options:
  --signature <v>    the header value: X-Webhook-Signature (vobiz, bare hex),
                     X-Vobiz-Signature (vobiz-legacy: hex, HEX or base64, ± sha256=),
                     X-Hub-Signature-256 (meta: sha256=<hex>)
  --source <s>       vobiz (default), vobiz-legacy or meta
  --secret <s>       the subscription secret (default: $VOBIZ_WEBHOOK_SECRET);
                     repeat it to try several (a rotation)
  --app-secret <s>   --source meta: the Meta app secret (default: $META_APP_SECRET); repeatable
  -h, --help         this help

Examples:
  vobiz-webhooks verify body.json --signature 5d41402abc4b2a76b9719d911017c592... --secret whsec_dev
  vobiz-webhooks verify meta-body.json --source meta --signature sha256=5d41402a... --app-secret meta_app_secret
`;

export const listenHelp = `Usage: vobiz-webhooks listen [--source <s>] [--port 3000] [--path <p>] [--secret <s>]...

Runs a local receiver with the same pipeline as the middleware (signature, schema, event
type, age, dedupe) and prints each delivery: event type, id and source, the messages,
statuses and calls in it, and the answer it gave. Point a tunnel (ngrok, cloudflared) at
it to see what a real subscription sends. Signature failures print a diagnosis of the
likely cause. Stops on Ctrl-C.

With --source vobiz (default) or vobiz-legacy it takes both Vobiz envelopes
(X-Webhook-Signature and X-Vobiz-Signature). With --source meta it is Meta's receiver: it
answers the GET subscription handshake (and prints whether the verify token matched), and
checks X-Hub-Signature-256 against the app secret.

Options:
  --source <s>        vobiz (default), vobiz-legacy or meta
  --port <n>          default 3000 (0 picks a free port)
  --host <h>          default: every interface
  --path <p>          default /webhooks/vobiz (--source meta: /webhooks/meta)
  --secret <s>        the subscription secret (default: $VOBIZ_WEBHOOK_SECRET); repeat for a rotation
  --app-secret <s>    --source meta: the Meta app secret (default: $META_APP_SECRET); repeatable
  --verify-token <t>  --source meta: the Verify Token of the handshake (default: $META_VERIFY_TOKEN)
  -h, --help          this help

Examples:
  vobiz-webhooks listen --port 3000 --secret whsec_dev
  vobiz-webhooks listen --source meta --app-secret meta_app_secret --verify-token my-verify-token
`;
