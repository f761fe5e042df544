import { resolveMetaOptions, resolveVobizOptions } from '../src/options';
import { createReceiverWith } from '../src/receiver';
import { webPlatform } from '../src/web/platform';
import {
  describeFormatsHostile,
  describeLegacyConformance,
  describeMetaConformance,
} from '@vobiz-webhooks/test-suites';
import { metaReceiverTarget } from './support/meta-receiver-target';
import { receiverTarget } from './support/receiver-target';

// The shared format suites straight on the core, without any framework: once with
// node:crypto, once with the Web Crypto platform the Edge entry uses.
const platforms = [
  { name: 'Node', vobiz: receiverTarget(), meta: metaReceiverTarget() },
  {
    name: 'Web Crypto platform',
    vobiz: receiverTarget((options) => createReceiverWith(webPlatform, resolveVobizOptions(options))),
    meta: metaReceiverTarget((options) => createReceiverWith(webPlatform, resolveMetaOptions(options))),
  },
];

for (const { name, vobiz, meta } of platforms) {
  describeLegacyConformance(`createReceiver (${name})`, vobiz);
  describeMetaConformance(`createMetaReceiver (${name})`, meta);
  describeFormatsHostile(`core receivers (${name})`, vobiz, meta);
}
