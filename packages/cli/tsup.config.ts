import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  packageBuild({
    // `cli` is the bin (ESM, keeps the source's shebang, made executable by tsup);
    // `index` is the library the demo and scripts import (sendDeliveries, startListener).
    entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
    dts: { entry: { index: 'src/index.ts' } },
    platform: 'node',
  }),
);
