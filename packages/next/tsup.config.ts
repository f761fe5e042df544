import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  packageBuild({
    entry: { index: 'src/index.ts', pages: 'src/pages.ts' },
    // The App Router entry must stay importable in Edge runtimes: `platform: 'neutral'`
    // keeps esbuild from assuming Node, and core stays external so bundlers pick its
    // Web Crypto build through the `edge-light` export condition.
    platform: 'neutral',
  }),
);
