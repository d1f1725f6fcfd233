import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Keeps worker logs to errors in tests: the suites provoke activity failures and (in the replay
 * test) non-determinism on purpose, and their warnings would bury real problems. The runtime is
 * process-wide, so a second install is ignored.
 */
export function quietTemporalLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  } catch {
    // already installed by another test file in this process
  }
}
