import { DefaultLogger, Runtime } from '@temporalio/worker';

/** Keeps worker logs at WARN in tests; the runtime is process-wide, so a second install is ignored. */
export function quietTemporalLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by another test file in this process
  }
}
