import { defineConfig } from 'tsup';

export default defineConfig({
  // `cli` is the bin (ESM, keeps the source's shebang, made executable by tsup);
  // `index` is the library the demo and scripts import (sendDeliveries, startListener).
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  target: 'node20',
  platform: 'node',
  external: [/^@vobiz-webhooks\//, /^node:/],
});
