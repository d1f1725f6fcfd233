/** @type {import('jest').Config} */
module.exports = {
  displayName: 'vipps-emulator',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // The contract tests' OpenAPI tooling pulls in a dependency that ships only as ES modules, which
    // Jest's CommonJS loader cannot require on Node 20: compile just that one to CommonJS.
    '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@apidevtools/json-schema-ref-parser/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30_000,
};
