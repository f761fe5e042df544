import { join } from 'node:path';
import { ensureBuiltPackages } from '@vobiz-webhooks/test-suites';

/** This package's server entry files (web's helpers start theirs from web's serve folder). */
export const HONO_SERVE_DIR = join(__dirname, '..', 'serve');

/** The runtimes load the built packages: core's Web build, web (whose handler options the servers share), and hono. */
export const ensureHonoBuilt = (): void =>
  ensureBuiltPackages({ core: ['index.web.js'], web: ['index.js'], hono: ['index.js'] });
