import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryDedupeStore } from '@vobiz-webhooks/core';
import { describeDedupeStoreContract, fileDedupeStore } from '@vobiz-webhooks/test-suites';

describeDedupeStoreContract('memoryDedupeStore()', () => memoryDedupeStore());

// The crash tests' shared store (packages/express/test/hostile-crash.test.ts) owes the receiver the same.
const dir = mkdtempSync(join(tmpdir(), 'vobiz-dedupe-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
describeDedupeStoreContract('fileDedupeStore()', () => fileDedupeStore(dir));
