import { describeConformance } from '@vobiz-webhooks/test-suites';
import { makeConnectTarget, makeExpress4Target, makeExpressTarget } from './support/target';

describeConformance('Express 5', makeExpressTarget);
describeConformance('Express 4', makeExpress4Target);
describeConformance('Connect', makeConnectTarget);
