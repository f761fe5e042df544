import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  packageBuild({
    entry: ['src/index.ts'],
    // The store talks to whichever client it is given; neither library is ever bundled or imported.
    external: ['ioredis', 'redis', /^@redis\//],
  }),
);
