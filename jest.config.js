/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // A few dependencies ship only as ES modules, which Jest's CommonJS loader cannot require on
    // Node 20: compile just those to CommonJS.
    '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@apidevtools/json-schema-ref-parser|cookie)/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/lib/'],
  // The failover test on the multi-process cluster has its own command: npm run test:cluster.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  testTimeout: 30_000,
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
};
