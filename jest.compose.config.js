// `npm run compose:test`: the stack of docker-compose.yml built and run for real (test/compose/), on a
// Docker engine this machine runs itself (scripts/compose/). A config of its own, as the failover
// test has: one long suite that builds images, kept out of the parallel unit run.
const { projects } = require('./jest.config.js');
const app = projects[0];

/** @type {import('jest').Config} */
module.exports = {
  ...app,
  displayName: 'compose',
  testMatch: ['<rootDir>/test/compose/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60 * 60_000,
  // The suite installs and builds what it needs itself; no browser.
  globalSetup: undefined,
};
