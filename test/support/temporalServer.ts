// A real Temporal dev server (in-memory, headless, free port) for workflow and e2e tests.
// Uses the CLI installed by globalSetup, because the SDK's own download needs the internet.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { ORDER_SEARCH_ATTRIBUTES } from '../../src/workflows/messages/searchAttributes';

export interface TestTemporal {
  env: TestWorkflowEnvironment;
  /** host:port of the server's gRPC frontend. */
  address: string;
  /** Path of the Temporal CLI, e.g. to run `temporal operator` or `temporal workflow` commands. */
  cliPath: string;
  teardown(): Promise<void>;
}

/**
 * Starts a fresh server with the project's search attributes; call teardown() in afterAll.
 * `metricsPort` exposes the server's Prometheus page (its `action` counter counts billed Actions).
 */
export async function startTestTemporal(opts: { metricsPort?: number } = {}): Promise<TestTemporal> {
  const cliPath = await ensureTemporalCli();
  const start = () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cliPath },
        searchAttributes: [...ORDER_SEARCH_ATTRIBUTES],
        ip: '127.0.0.1',
        ui: false,
        ...(opts.metricsPort !== undefined && { extraArgs: ['--metrics-port', String(opts.metricsPort)] }),
      },
    });
  // The SDK gives the server 5 s to open its port, a fixed window a loaded 2-core machine can miss
  // (several suites start servers at once): try again rather than fail the suite on a slow start.
  for (let attempt = 1; ; attempt++) {
    try {
      const env = await start();
      return { env, address: env.address, cliPath, teardown: () => env.teardown() };
    } catch (err) {
      if (attempt >= 3 || !/did not start within/.test(err instanceof Error ? err.message : String(err))) throw err;
    }
  }
}
