// Lint runs as part of `npm test`; type-aware rules catch floating promises,
// which matter a lot in workflow and HTTP code. The import rules below keep the one direction of
// dependency the design asks for: app → Vipps client ← emulator, workflows → message types only.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** The packages' public entries (their package.json `exports`); nothing outside a package reaches past them. */
const VIPPS_ENTRIES = ['./src/index.ts', './src/schemas/index.ts', './src/operationKeys.ts', './src/schemas/constants.ts', './src/schemas/zodIssues.ts', './src/schemas/types.ts', './src/salesUnits/index.ts'];
const EMULATOR_ENTRIES = ['./src/index.ts'];

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', 'coverage/', '.tools/', '.data/', 'artifacts/', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Plain CommonJS scripts that run before dependencies are installed: no type information.
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: false },
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', console: 'readonly', __dirname: 'readonly', module: 'writable' },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Imports are resolved the way TypeScript resolves them (the packages' exports, then their
    // real paths under packages/), so the zones below see where an import really lands.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${root}/tsconfig.json` })],
      // no-cycle parses the modules it follows; these say which ones and with what.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/external-module-folders': ['node_modules'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: './packages/vipps/src',
              from: '.',
              except: ['./packages/vipps/src', './node_modules'],
              message: 'The Vipps client imports nothing outside packages/vipps/src but node modules.',
            },
            {
              target: './packages/vipps-emulator',
              from: ['./src', './scripts', './bench', './test'],
              message: 'The emulator knows nothing of the app; it shares only the Vipps package.',
            },
            {
              target: './src',
              from: './packages/vipps-emulator',
              message: 'The app does not depend on the emulator (a test double); only scripts and tests do.',
            },
            {
              target: ['./src', './scripts', './bench', './test', './packages/vipps-emulator'],
              from: './packages/vipps',
              except: VIPPS_ENTRIES,
              message: 'Import @vipps-orders/vipps or one of its entries (schemas, keys, sales-units), not its files.',
            },
            {
              target: ['./scripts', './bench', './test', './packages/vipps/test'],
              from: './packages/vipps-emulator',
              except: EMULATOR_ENTRIES,
              message: 'Import @vipps-orders/vipps-emulator, not its files.',
            },
            {
              // Workflow code is bundled into Temporal's deterministic sandbox.
              target: './src/workflows',
              from: '.',
              except: ['./src/workflows', './packages/vipps/src/schemas/types.ts', './packages/vipps/src/schemas/constants.ts', './packages/vipps/src/schemas/zodIssues.ts', './packages/vipps/src/operationKeys.ts', './node_modules/zod', './node_modules/@noble/hashes', './node_modules/@temporalio/workflow', './node_modules/@temporalio/common'],
              message: 'Workflows import only @temporalio/workflow, @temporalio/common, zod, @vipps-orders/vipps/constants, /types, /keys and /issues, and each other.',
            },
          ],
        },
      ],
    },
  },
  {
    // Node built-ins resolve to no path, so the zones above cannot see them.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'fs', 'crypto', 'http', 'https', 'net', 'os', 'path'], message: 'Workflow code must stay deterministic: no Node built-ins.' }] },
      ],
    },
  },
  {
    files: ['packages/vipps/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@temporalio/*'], message: 'The Vipps client knows nothing of Temporal.' }] }],
    },
  },
  {
    // Each package declares what it imports in its own package.json.
    files: ['packages/vipps/**/*.ts'],
    rules: { 'import-x/no-extraneous-dependencies': ['error', { packageDir: `${root}/packages/vipps`, devDependencies: ['**/test/**'] }] },
  },
  {
    files: ['packages/vipps-emulator/**/*.ts'],
    rules: { 'import-x/no-extraneous-dependencies': ['error', { packageDir: `${root}/packages/vipps-emulator`, devDependencies: ['**/test/**'] }] },
  },
);
