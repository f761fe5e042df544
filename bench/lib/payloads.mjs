// The deliveries every configuration receives: one realistic `message.inbound` with the
// whole Meta object (a batch of messages from one customer), about 1.7 KB, and the
// same-sized bodies the peer libraries expect, each signed the way its receiver checks.
import { createHmac, randomUUID } from 'node:crypto';
import { importPackage } from './packages.mjs';

export const SECRET = 'bench-subscription-secret-7f3a9c';
export const PATHS = {
  vobiz: '/webhooks/vobiz',
  octokit: '/api/github/webhooks',
  whatsapp: '/webhooks/whatsapp',
  meta: '/webhooks/meta',
};

const ID = '00000000-0000-4000-8000-000000000000';
const hmacHex = (body) => createHmac('sha256', SECRET).update(body).digest('hex');

/** Meta signs an ASCII form of the JSON (non-ASCII as \uXXXX), as whatsapp-api-js expects. */
const escapeUnicode = (text) =>
  text.replace(/[^\0-~]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Every string in a payload with characters beyond ASCII: what the customer wrote. */
function customerWords(value, out = []) {
  if (typeof value === 'string') {
    if (/[^\0-~]/.test(value)) out.push(value);
  } else if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) customerWords(child, out);
  }
  return out;
}

/** A JSON template with `ID` where each copy gets its own id. */
async function vobizEnvelope() {
  const { createTestEvent, sampleMessages } = await importPackage('core/testing');
  // A deep copy: the fixtures' nested objects are shared module constants.
  const event = JSON.parse(JSON.stringify(createTestEvent('message.inbound', { event_id: ID, messageType: 'text' })));
  const value = event.payload.entry[0].changes[0].value;
  const first = value.messages[0];
  // A customer who sends a photo, a location and a button reply in one burst: Meta batches them.
  const more = ['image', 'location', 'interactive', 'reaction'].map((kind, i) => {
    const { text: _text, ...common } = first;
    return {
      ...common,
      ...JSON.parse(JSON.stringify(sampleMessages[kind])),
      id: first.id.replace('AA==', `${i + 1}AA==`),
    };
  });
  value.messages.push(...more);
  value.messages[1].context = { from: value.metadata.display_phone_number, id: first.id };
  return event;
}

/**
 * A GitHub `issues.opened` delivery of the same size, shaped like GitHub's (many short
 * fields and URLs, as Meta's payload has many small objects), carrying the same customer
 * text (GitHub, like Vobiz, sends UTF-8 as is); the issue text takes up the difference in size.
 */
function octokitIssue(targetBytes, customerWords) {
  const api = 'https://api.github.com';
  const user = {
    login: 'ana-garcia',
    id: 583231,
    node_id: 'MDQ6VXNlcjU4MzIzMQ==',
    avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
    url: `${api}/users/ana-garcia`,
    html_url: 'https://github.com/ana-garcia',
    type: 'User',
    site_admin: false,
  };
  const repo = `${api}/repos/acme/shop`;
  const issue = {
    action: 'opened',
    issue: {
      url: `${repo}/issues/1347`,
      repository_url: repo,
      html_url: 'https://github.com/acme/shop/issues/1347',
      id: 1296269,
      node_id: 'MDU6SXNzdWUxMjk2MjY5',
      number: 1347,
      title: 'Envio a Malaga',
      user,
      labels: [{ id: 208045946, name: 'shipping', color: 'f29513', default: true }],
      state: 'open',
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: 0,
      created_at: '2026-03-25T10:00:00Z',
      updated_at: '2026-03-25T10:00:00Z',
      closed_at: null,
      author_association: 'NONE',
      body: '',
    },
    repository: {
      id: 1296270,
      node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
      name: 'shop',
      full_name: 'acme/shop',
      private: false,
      owner: { login: 'acme', id: 9919, type: 'Organization' },
      html_url: 'https://github.com/acme/shop',
      description: 'Tienda',
      fork: false,
      url: repo,
      updated_at: '2026-03-25T09:00:00Z',
      size: 1024,
      stargazers_count: 12,
      watchers_count: 12,
      language: 'TypeScript',
      has_issues: true,
      forks_count: 2,
      visibility: 'public',
      default_branch: 'main',
    },
    sender: user,
  };
  // The customer's own words, as in the WhatsApp delivery (accents and emoji: V8 then holds
  // the whole text as a two-byte string, which JSON.parse reads more slowly), then ASCII
  // up to the same size in bytes.
  issue.issue.body = `${customerWords.join('\n')}\n`;
  const missing = Math.max(0, targetBytes - Buffer.byteLength(JSON.stringify(issue)));
  issue.issue.body += 'Gracias. '.repeat(Math.ceil(missing / 9) + 1).slice(0, missing);
  return JSON.stringify(issue);
}

/**
 * Copies of a Meta object whose first message id is `wamid.<ID>`, each with an id of its
 * own, as Meta sends them: the ASCII-escaped form, signed in `X-Hub-Signature-256`.
 */
function signedByMeta(meta) {
  const [head, tail] = escapeUnicode(JSON.stringify(meta)).split(ID);
  return {
    size: Buffer.byteLength(head + ID + tail),
    next() {
      const body = Buffer.from(head + randomUUID() + tail);
      return {
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hmacHex(body)}` },
      };
    },
  };
}

/**
 * Builds the request factory for one kind of receiver: `next()` returns a fresh
 * `{ body: Buffer, headers }` with its own event id and signature.
 */
export async function requestFactory(kind) {
  const envelope = await vobizEnvelope();
  const vobizTemplate = JSON.stringify(envelope);
  const size = Buffer.byteLength(vobizTemplate);

  if (kind === 'vobiz') {
    const [head, tail] = vobizTemplate.split(ID);
    return {
      size,
      next() {
        const body = Buffer.from(head + randomUUID() + tail);
        return {
          body,
          headers: {
            'content-type': 'application/json',
            'x-webhook-signature': hmacHex(body),
            'x-webhook-event': 'message.inbound',
          },
        };
      },
    };
  }
  if (kind === 'whatsapp') {
    // The same Meta object Vobiz wraps, sent as Meta sends it; the first text grows to the same size.
    const meta = envelope.payload;
    const first = meta.entry[0].changes[0].value.messages[0];
    first.id = `wamid.${ID}`;
    const short = Buffer.byteLength(escapeUnicode(JSON.stringify(meta)));
    first.text.body += ' '.repeat(Math.max(0, size - short));
    return signedByMeta(meta);
  }
  if (kind === 'meta') {
    // Meta's own webhook object with one text message, as Meta posts it to a receiver of its
    // Cloud API (`metaWebhook`, whatsapp-api-js): its message id is the dedupe key, so each copy
    // gets its own; signed like the `whatsapp` kind, over the ASCII form Meta sends. Not padded:
    // both receivers of this kind get these same bytes.
    const { createTestEvent } = await importPackage('core/testing');
    const meta = createTestEvent('message.inbound', { format: 'meta', messageType: 'text' });
    meta.entry[0].changes[0].value.messages[0].id = `wamid.${ID}`;
    return signedByMeta(meta);
  }
  if (kind === 'octokit') {
    const json = octokitIssue(size, customerWords(envelope.payload));
    return {
      size: Buffer.byteLength(json),
      next() {
        const body = Buffer.from(json);
        return {
          body,
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'issues',
            'x-github-delivery': randomUUID(),
            'x-hub-signature-256': `sha256=${hmacHex(body)}`,
          },
        };
      },
    };
  }
  throw new Error(`unknown request kind ${kind}`);
}
