import type { Config } from 'jest';

// Tests run against the TypeScript sources, so `pnpm test` never tests a stale build.
// Only the Next.js example's end-to-end test uses the built packages (through `next build`).
const src = (pkg: string, file = 'index.ts') => `<rootDir>/packages/${pkg}/src/${file}`;

const sharedMapper: Record<string, string> = {
  '^@vobiz-webhooks/core/node$': src('core', 'node/index.ts'),
  '^@vobiz-webhooks/core/testing$': src('core', 'testing/index.ts'),
  '^@vobiz-webhooks/express$': src('express'),
  '^@vobiz-webhooks/fastify$': src('fastify'),
  '^@vobiz-webhooks/hono$': src('hono'),
  '^@vobiz-webhooks/koa$': src('koa'),
  '^@vobiz-webhooks/next$': src('next'),
  '^@vobiz-webhooks/next/pages$': src('next', 'pages.ts'),
  '^@vobiz-webhooks/web$': src('web'),
  '^@vobiz-webhooks/redis$': src('redis'),
  '^@vobiz-webhooks/bullmq$': src('bullmq'),
  '^@vobiz-webhooks/cli$': src('cli'),
  '^@vobiz-webhooks/test-suites$': src('test-suites'),
  '^@vobiz-webhooks/test-suites/corpus$': src('test-suites', 'corpus/index.ts'),
};

const transform: Config['transform'] = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
};

// Dependencies are not transformed, except the ES-module-only ones that CommonJS code
// requires (Node 20 loads those itself; Jest's module loader needs them as CommonJS):
// cookie@2, which Fastify's `inject()` loads through light-my-request.
const transformIgnorePatterns = ['/node_modules/(?!(?:\\.pnpm/)?cookie[@/])'];

// Three projects. `node` and `edge` test the sources (`pnpm test:unit` runs only
// these, with no build); `built` runs what needs the built packages: the benchmark
// and soak smoke tests and the Next.js example's `next build` (`pnpm test` builds first).
const BUILT = [
  '<rootDir>/bench/test/**/*.test.ts',
  '<rootDir>/scripts/test/**/*.test.ts',
  '<rootDir>/examples/next/test/**/*.test.ts',
];

const config: Config = {
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/examples/*/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.edge\\.test\\.ts$', '<rootDir>/examples/next/'],
      moduleNameMapper: { '^@vobiz-webhooks/core$': src('core'), ...sharedMapper },
    },
    {
      // The same code inside Vercel's Edge runtime VM: no `node:` modules, Web Crypto only.
      displayName: 'edge',
      testEnvironment: '@edge-runtime/jest-environment',
      transform,
      testMatch: ['<rootDir>/packages/*/test/**/*.edge.test.ts'],
      moduleNameMapper: { '^@vobiz-webhooks/core$': src('core', 'index.web.ts'), ...sharedMapper },
    },
    {
      displayName: 'built',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: BUILT,
      moduleNameMapper: { '^@vobiz-webhooks/core$': src('core'), ...sharedMapper },
    },
  ],
};

export default config;
