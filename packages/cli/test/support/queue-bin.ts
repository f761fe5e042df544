import { ensureBuiltPackages } from '@vobiz-webhooks/test-suites';

/** The bin's `queue` commands load the built @vobiz-webhooks/bullmq beside the bin and core. */
export const ensureBuiltQueueBin = (): void =>
  ensureBuiltPackages({ core: ['index.js'], cli: ['cli.js'], bullmq: ['index.js'] });
