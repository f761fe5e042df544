// Shared Jest suites: every adapter and every store runs the same promises.

// Adapters under test
export type { DeliveryRequest, DeliveryResponse, MakeTarget, Target } from './target';
export { listen, type Listening } from './listen';

// The behaviour every adapter owes its users
export { describeConformance, delivery, expectOk, expectRefusal, SECRET } from './conformance';
export { describeHostile, type HostileSuiteOptions } from './hostile/suite';
export { FUZZ_SECRET, MAX_BODY_BYTES, checkOutcome, errorCodeOf, hostileCaseArb, type HostileCase } from './hostile/cases';
export { fuzzRuns, fuzzTimeout } from './hostile/runs';

// Dedupe stores
export { describeDedupeStoreContract } from './dedupe-contract';
export { fileDedupeStore } from './file-dedupe-store';

// The payload corpus is its own entry, `@vobiz-webhooks/test-suites/corpus`: it reads its
// files at load time, which only the tests that use it should pay for.

// Raw HTTP clients for what frameworks never send
export { abortMidBody, until } from './raw-http';
