import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  // The store talks to whichever client it is given; neither library is ever bundled or imported.
  external: [/^@vobiz-webhooks\//, /^node:/, 'ioredis', 'redis', /^@redis\//],
});
