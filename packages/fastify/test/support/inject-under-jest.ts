import { dirname } from 'node:path';

// `app.inject()` loads light-my-request, which requires cookie@2: ES modules only, which Jest's CommonJS
// loader cannot run (Node itself can). It uses one function that cookie@1 (CommonJS) has the same way.
// `doMock`, not `mock`: it must not be hoisted above the paths it needs, and fastify requires
// light-my-request only on the first inject().
const lightMyRequest = require.resolve('light-my-request', { paths: [dirname(require.resolve('fastify'))] });
jest.doMock(require.resolve('cookie', { paths: [dirname(lightMyRequest)] }), () => jest.requireActual('cookie'));
