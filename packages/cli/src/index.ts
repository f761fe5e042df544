// The library behind the `vobiz-webhooks` bin, for scripts and demos that send or
// receive deliveries programmatically.
export {
  SendError,
  allEventSpecs,
  callEventTypes,
  legacyEventTypes,
  legacyStatuses,
  messageStatuses,
  planDeliveries,
  postDelivery,
  sendDeliveries,
  type Delivery,
  type DeliveryResult,
  type SendOptions,
} from './send';
export { startListener, type ListenOptions, type Listener } from './listen';
export { describeAnswer, describeEventItems, describeResult } from './format';
export { run } from './run';
export type { CliIo } from './io';
