import { memoryDedupeStore } from '@vobiz-webhooks/core';
import { describeDedupeStoreContract } from '@vobiz-webhooks/test-suites';

describeDedupeStoreContract('memoryDedupeStore()', () => memoryDedupeStore());
