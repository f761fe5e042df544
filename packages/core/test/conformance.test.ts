import { resolveVobizOptions } from '../src/options';
import { createReceiverWith } from '../src/receiver';
import { webPlatform } from '../src/web/platform';
import { describeConformance } from '@vobiz-webhooks/test-suites';
import { receiverTarget } from './support/receiver-target';

// The shared suite straight on the core, without any framework: once with node:crypto,
// once with the Web Crypto platform the Edge entry uses.
describeConformance('createReceiver (Node)', receiverTarget());
describeConformance(
  'createReceiver (Web Crypto platform)',
  receiverTarget((options) => createReceiverWith(webPlatform, resolveVobizOptions(options))),
);
