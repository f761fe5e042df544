import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', pages: 'src/pages.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  // The App Router entry must stay importable in Edge runtimes: `platform: 'neutral'`
  // keeps esbuild from assuming Node, and core stays external so bundlers pick its
  // Web Crypto build through the `edge-light` export condition.
  platform: 'neutral',
  external: [/^@vobiz-webhooks\//, /^node:/],
});
