import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  packageBuild({
    entry: ['src/index.ts'],
    // Bun, Deno and Workers import this: `platform: 'neutral'` keeps esbuild from assuming
    // Node, and core stays external so each runtime picks its build of it through the
    // export conditions (`workerd`, `worker`, `edge-light`).
    platform: 'neutral',
  }),
);
