// `npm run test:cluster`: the failover test on the multi-process Temporal cluster (test/cluster/).
// Separate from `npm test` because it builds the Temporal server and runs for minutes; see README.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 30 * 60_000,
  // startCluster() installs what it needs itself (PostgreSQL, the server build, the CLI); no browser.
  globalSetup: undefined,
};
