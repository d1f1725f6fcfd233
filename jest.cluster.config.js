// `npm run test:cluster` (the last step of `npm test`): the failover test on the multi-process
// Temporal cluster (test/cluster/). A config of its own: one long suite with its own timeouts,
// kept out of the parallel unit run so it does not compete with it for the two cores.
const { projects } = require('./jest.config.js');
const app = projects[0];

/** @type {import('jest').Config} */
module.exports = {
  ...app,
  displayName: 'cluster',
  testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 30 * 60_000,
  // startCluster() installs what it needs itself (PostgreSQL, the server build, the CLI); no browser.
  globalSetup: undefined,
};
