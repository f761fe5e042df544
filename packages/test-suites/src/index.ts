// Shared Jest suites: every adapter and every store runs the same promises.

// Adapters under test
export type { DeliveryRequest, DeliveryResponse, MakeTarget, Target } from './target';
export { listen, type Listening } from './listen';
export { toDeliveryResponse, toRequest } from './fetch';

// The behaviour every adapter owes its users
export { describeConformance, delivery, expectOk, expectRefusal, SECRET } from './conformance';
export { describeHostile, type HostileSuiteOptions } from './hostile/suite';

// The formats beside Vobiz's current envelope: its earlier envelope, and Meta's Cloud API
export {
  batchedMetaBody,
  describeLegacyConformance,
  describeMetaConformance,
  expectBatchItem,
  expectChallenge,
  handshake,
  handshakeQuery,
  legacyDelivery,
  metaDelivery,
  META_APP_SECRET,
  META_PATH,
  META_VERIFY_TOKEN,
  recorder,
  recordingMetaOptions,
  subscribe,
  threeItemMetaBody,
  type BatchItem,
  type MakeMetaTarget,
} from './formats-conformance';
export { describeFormatsHostile } from './formats-hostile';
export {
  FUZZ_SECRET,
  MAX_BODY_BYTES,
  checkOutcome,
  errorCodeOf,
  hostileCaseArb,
  type HostileCase,
} from './hostile/cases';
export { fuzzRuns, fuzzTimeout } from './hostile/runs';

// Dedupe stores
export { describeDedupeStoreContract } from './dedupe-contract';
export { fileDedupeStore } from './file-dedupe-store';

// The payload corpus is its own entry, `@vobiz-webhooks/test-suites/corpus`: it reads its
// files at load time, which only the tests that use it should pay for.

// Built packages, for tests that load `dist` (a bin, a runtime, a Worker bundle)
export { ensureBuiltPackages } from './built';

// Raw HTTP clients for what frameworks never send
export { abortMidBody, eventually } from './raw-http';

// A redis-server of a test's own: restarts from its append-only file, crashes, pauses
export {
  freePort,
  redisServerInstalled,
  startPrivateRedis,
  type PrivateRedis,
  type PrivateRedisOptions,
} from './redis-server';

// The same promises in queue mode: handlers run in a worker
export { describeQueueConformance, type QueueHarness, type QueueUnderTest } from './queue-conformance';

// The shared Redis: whether it answers, suites that need it, and keys of a test's own
export { deleteKeys, describeIf, describeWithRedis, REDIS_URL, redisAvailable, uniquePrefix } from './redis';
