import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  packageBuild({
    entry: ['src/index.ts'],
    // Bun, Deno and Workers too: `neutral` keeps esbuild from assuming Node, and core stays
    // external so each runtime picks its build through core's export conditions.
    platform: 'neutral',
    external: ['hono'],
  }),
);
