import type { Call, Message, Status } from '../types';

// Realistic WhatsApp Cloud API items, shaped after Meta's webhook reference and the
// examples in Vobiz's docs. Ids look real so logs and UIs render them naturally.

export const TEST_PHONE_NUMBER_ID = '106540352242922';
export const TEST_DISPLAY_NUMBER = '15550783881';
export const TEST_WABA_ID = '102290129340398';
export const TEST_CUSTOMER = '16505551234';

/**
 * A part of every id that differs per process: Meta's format dedupes on message and call
 * ids, so ids that repeat across test runs would meet a persistent store's done markers.
 */
export const RUN_ID = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(4)), (byte) =>
  byte.toString(16).padStart(2, '0'),
).join('');

const wamid = (n: number) => `wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUQ5ODc2NTQzMjEwQUJD${RUN_ID}${n}AA==`;
let calls = 0;

const media = (mime: string, sha: string) => ({
  id: '1037543291543636',
  mime_type: mime,
  sha256: sha,
});

/** One sample message object per WhatsApp message type. */
export const sampleMessages = {
  text: { type: 'text', text: { body: 'Hola! ¿Tienen envío a Málaga? 🚚' } },
  image: {
    type: 'image',
    image: { ...media('image/jpeg', 'u9V7kZ3sQd2cZcJ4QmN1YtRw8fBqK0pLx3sV6hT9aE0='), caption: 'Foto del pedido' },
  },
  video: {
    type: 'video',
    video: { ...media('video/mp4', 'q2WfS6Yb3mN8cL1vK0xZ5rT7uH9jG4eD2aP6sF1oI3U='), caption: 'Unboxing' },
  },
  audio: {
    type: 'audio',
    audio: { ...media('audio/ogg; codecs=opus', 'Zk8pQ1rT5vX9bN3mL7cJ2hG6fD0sA4eW8uY1iO5kP9M='), voice: true },
  },
  document: {
    type: 'document',
    document: {
      ...media('application/pdf', 'M3nB7vC1xZ5lK9jH3gF7dS1aQ5wE9rT3yU7iO1pL5kJ='),
      filename: 'factura-0042.pdf',
      caption: 'Factura',
    },
  },
  sticker: {
    type: 'sticker',
    sticker: { ...media('image/webp', 'P0oI9uY8tR7eW6qA5sD4fG3hJ2kL1zX0cV9bN8mQ7wE='), animated: false },
  },
  location: {
    type: 'location',
    location: { latitude: 36.7213, longitude: -4.4214, name: 'Oficina Málaga', address: 'Calle Larios 1, Málaga' },
  },
  contacts: {
    type: 'contacts',
    contacts: [
      {
        name: { formatted_name: 'Ana García', first_name: 'Ana' },
        phones: [{ phone: '+34 600 000 000', wa_id: '34600000000', type: 'CELL' }],
      },
    ],
  },
  button: { type: 'button', button: { payload: 'CONFIRM_ORDER_42', text: 'Confirmar' } },
  interactive: {
    type: 'interactive',
    interactive: { type: 'button_reply', button_reply: { id: 'yes-42', title: 'Sí' } },
  },
  list_reply: {
    type: 'interactive',
    interactive: {
      type: 'list_reply',
      list_reply: { id: 'slot-10am', title: '10:00', description: 'Mañana por la mañana' },
    },
  },
  nfm_reply: {
    type: 'interactive',
    interactive: {
      type: 'nfm_reply',
      nfm_reply: { response_json: '{"flow_token":"abc","rating":"5"}', body: 'Sent', name: 'flow' },
    },
  },
  reaction: { type: 'reaction', reaction: { message_id: wamid(7), emoji: '👍' } },
  order: {
    type: 'order',
    order: {
      catalog_id: '2345678901234567',
      text: 'Para el viernes',
      product_items: [{ product_retailer_id: 'SKU-42', quantity: 2, item_price: 19.9, currency: 'EUR' }],
    },
  },
  system: {
    type: 'system',
    system: { body: 'User changed number', wa_id: '16505550000', type: 'user_changed_number' },
  },
  unsupported: {
    type: 'unsupported',
    errors: [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ],
  },
  request_welcome: { type: 'request_welcome' },
} as const satisfies Record<string, Omit<Message, 'id' | 'timestamp' | 'from'>>;

export type SampleMessageKind = keyof typeof sampleMessages;
/** Every message kind `createTestEvent('message.inbound', { messageType })` can build. */
export const testMessageKinds = Object.keys(sampleMessages) as SampleMessageKind[];

export function sampleMessage(kind: string, n: number, timestamp: string): Message {
  const body = (sampleMessages as Record<string, object>)[kind] ?? { type: kind };
  return { from: TEST_CUSTOMER, id: wamid(n), timestamp, ...body } as Message;
}

export function sampleStatus(status: string, n: number, timestamp: string): Status {
  const base: Status = {
    id: wamid(n),
    status,
    timestamp,
    recipient_id: TEST_CUSTOMER,
    conversation: { id: 'CONVERSATION_ID_3f2a', origin: { type: 'utility' } },
    pricing: { billable: true, pricing_model: 'PMP', category: 'utility', type: 'regular' },
  };
  if (status === 'failed') {
    return {
      id: wamid(n),
      status,
      timestamp,
      recipient_id: TEST_CUSTOMER,
      errors: [
        {
          code: 131049,
          title: 'Meta chose not to deliver.',
          message: 'This message was not delivered to maintain healthy ecosystem engagement.',
        },
      ],
    };
  }
  return base;
}

export function sampleCall(event: string, timestamp: string): Call & { id: string } {
  const base = {
    id: `wacid.HBgLMTY1MDU1NTEyMzQVAgARGBIyRkE5OTc2QjUx${RUN_ID}${++calls}AA==`,
    from: TEST_CUSTOMER,
    to: TEST_DISPLAY_NUMBER,
    event,
    timestamp,
  };
  if (event === 'connect') {
    return {
      ...base,
      direction: 'USER_INITIATED',
      status: 'ringing',
      session: { sdp_type: 'offer', sdp: 'v=0\r\no=- 7669997803033704573 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' },
    };
  }
  if (event === 'terminate') {
    const start = Number(timestamp) - 95;
    return {
      ...base,
      direction: 'USER_INITIATED',
      status: 'COMPLETED',
      start_time: String(start),
      end_time: timestamp,
      duration: 95,
    };
  }
  return { ...base, direction: 'USER_INITIATED' };
}
