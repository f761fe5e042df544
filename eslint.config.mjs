// ESLint 9 flat config: @eslint/js and typescript-eslint's recommended rules (not the type-checked
// presets, so a run needs no TypeScript program and stays fast), then eslint-config-prettier last so
// no stylistic rule argues with Prettier. `pnpm lint` runs Prettier and then this.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/.next/',
    'examples/next/.next/',
    '**/coverage/',
    'bench/.tmp/',
    // Generated declaration files (Next.js writes next-env.d.ts; tsup writes the ones in dist/).
    // The hand-written module declarations in */test/support/*.d.ts are linted.
    'examples/next/next-env.d.ts',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      // Everything here runs on Node (the edge build too is tested under Node); TypeScript files
      // get no-undef turned off by typescript-eslint, so this matters mostly for the .mjs scripts.
      globals: { ...globals.node },
    },
    rules: {
      // Matching control characters is the point here: log and terminal output is escaped with
      // regexes over C0/C1 controls, and tests check hostile bodies for them.
      'no-control-regex': 'off',
      // `_`-prefixed names are deliberately unused (placeholders in signatures and destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  {
    // Plain JavaScript: the TypeScript-only variant of the rule does not apply.
    files: ['**/*.{js,mjs,cjs}'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },

  {
    // Jest files: the test files, their support code, and the shared suites in @vobiz-webhooks/test-suites.
    files: [
      '**/test/**/*.{ts,tsx,mts,cts,js,mjs}',
      '**/*.test.{ts,tsx,mts,cts,js,mjs}',
      'packages/test-suites/src/**/*.ts',
    ],
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
    },
    rules: {
      // Tests feed deliberately malformed values through public APIs.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  {
    // The Next.js example's React components.
    files: ['examples/next/app/**/*.tsx', 'examples/next/pages/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
    },
  },

  prettier,
);
