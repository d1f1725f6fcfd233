// One jest run for everything: the app's tests under test/ and each package's own tests, with the
// package's own jest.config.js (`npx jest packages/vipps` runs one package).
const swc = ['@swc/jest', { jsc: { target: 'es2022' } }];

/** @type {import('jest').Config} */
const app = {
  displayName: 'app',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': swc,
    // A few dependencies ship only as ES modules, which Jest's CommonJS loader cannot require on
    // Node 20: compile just those to CommonJS.
    '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@apidevtools/json-schema-ref-parser|cookie)/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // .data/ holds the Docker engine's layers of npm run compose:test (copies of this project's files).
  modulePathIgnorePatterns: ['<rootDir>/lib/', '<rootDir>/.data/'],
  // The failover test on the multi-process cluster, the compose stack and the randomized model test
  // have their own commands (npm run test:cluster, compose:test, test:model), so they get the cores.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/compose/', '<rootDir>/test/model/'],
  testTimeout: 30_000,
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [app, '<rootDir>/packages/vipps', '<rootDir>/packages/vipps-emulator'],
  // A project's own testTimeout is ignored in a multi-project run; without this, hooks that parse the
  // Vipps specs get 5 s and fail when the suites with a whole stack load the machine.
  testTimeout: 30_000,
};
