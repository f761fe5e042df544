import type { VobizWebhookOptions } from '@vobiz-webhooks/core';

/**
 * One HTTP-ish request to an adapter under test. `path` defaults to the adapter's
 * webhook path; `body` is sent byte for byte.
 */
export interface DeliveryRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface DeliveryResponse {
  status: number;
  /** Lowercase header names. */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text. */
  body: any;
}

/** An adapter wired to options, ready to receive deliveries (Express app, Koa app, Next handler…). */
export interface Target {
  send(request: DeliveryRequest): Promise<DeliveryResponse>;
  close?(): Promise<void>;
}

/** Builds a fresh target for the given options; the conformance suite calls it per test. */
export type MakeTarget = (options: VobizWebhookOptions) => Target | Promise<Target>;
