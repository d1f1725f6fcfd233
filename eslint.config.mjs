// Lint runs as part of `npm test`; type-aware rules catch floating promises,
// which matter a lot in workflow and HTTP code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'lib/', 'coverage/', '.tools/', '.data/', 'artifacts/', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
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
    // Workflow code runs in Temporal's deterministic sandbox: no Node APIs, no I/O libraries.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'crypto', 'http', 'https', 'net', 'os', 'path'], message: 'Workflow code must stay deterministic: no Node built-ins.' },
            {
              // The pure zod wire schemas are message types too; the client and everything with I/O are not.
              group: ['axios', 'fastify', 'pino', '../vipps/*', '!../vipps/schemas', '!../vipps/schemas/*', '!../vipps/operationKeys', '../activities/*', '../http/*', '../emulator/*', '../orders/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Workflows depend on message types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/vipps/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@temporalio/*', '../workflows/*', '../activities/*'], message: 'The Vipps client knows nothing of Temporal.' }] }],
    },
  },
);
