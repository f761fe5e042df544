import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  packageBuild({
    entry: {
      index: 'src/index.ts',
      'index.web': 'src/index.web.ts',
      'node/index': 'src/node/index.ts',
      'testing/index': 'src/testing/index.ts',
    },
    platform: 'neutral',
  }),
);
