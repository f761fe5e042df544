import { join } from 'node:path';
import { ensureBuiltPackages } from '@vobiz-webhooks/test-suites';

export const WEB_DIST = join(__dirname, '..', '..', 'dist', 'index.js');

/** The runtimes load the built packages (`dist`), as users get them: core's Web build and web. */
export const ensureBuilt = (): void => ensureBuiltPackages({ core: ['index.web.js'], web: ['index.js'] });
