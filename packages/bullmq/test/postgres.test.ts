import { describeQueueConformance } from '@vobiz-webhooks/test-suites';
import { makeExpressTarget } from '../../express/test/support/target';
import { harnessFor } from './support/harness';
import { describeWithPostgres, postgresBackend } from './support/postgres';
import { describeWorkerBehaviour } from './support/worker-behaviour';

// BullMQ 6's PostgreSQL backend through the same package: the queue-mode suite with
// `backend: createPostgresBackend` and a connection string.
describeWithPostgres('BullMQ on PostgreSQL', () => {
  const target = postgresBackend();
  afterAll(() => target.drop());
  describeQueueConformance('Express', makeExpressTarget, harnessFor(target));
});

describeWithPostgres('BullMQ on PostgreSQL', () => {
  const target = postgresBackend();
  afterAll(() => target.drop());
  describeWorkerBehaviour('PostgreSQL', target);
});
