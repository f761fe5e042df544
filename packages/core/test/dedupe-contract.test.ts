import { memoryDedupeStore } from '@vobiz-webhooks/core';
import { describeDedupeStoreContract } from './support/dedupe-contract';

describeDedupeStoreContract('memoryDedupeStore()', () => memoryDedupeStore());
