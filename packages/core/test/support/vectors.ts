/**
 * HMAC-SHA256 test vectors, computed outside the library (node:crypto createHmac; the
 * Node test recomputes them). Shared with the Edge test, which has no node:crypto.
 */
export const SIGNATURE_VECTORS = [
  { body: '', secret: 'k', hex: '8bb990c40a7d61cb97597a942125025be50ac8beb74436e3735b98893a7f6620' },
  {
    body: '{"event_id":"e1"}',
    secret: 'whsec_test',
    hex: 'bb4f75a1f0d08e6fa8e295ee3699473a9242ea10bf7075a4c4a963fb7bbe50d3',
  },
  {
    body: 'Hola 👋 ¿qué tal? Málaga',
    secret: 's3cr3t-ñ',
    hex: '587215c41a68ad407cea62d0ec1287974fa68b0154187385feb58bf351c8da1a',
  },
] as const;
