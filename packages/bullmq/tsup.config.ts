import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig(
  packageBuild({
    entry: ['src/index.ts'],
    // BullMQ and its drivers stay the user's dependencies: one copy of each in the app.
    external: ['bullmq', 'ioredis', 'pg'],
    platform: 'node',
  }),
);
