// A real Temporal dev server (in-memory, headless, free port) for workflow and e2e tests.
// Uses the CLI installed by globalSetup, because the SDK's own download needs the internet.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { ORDER_SEARCH_ATTRIBUTES } from '../../src/workflows/searchAttributes';

export interface TestTemporal {
  env: TestWorkflowEnvironment;
  /** host:port of the server's gRPC frontend. */
  address: string;
  /** Path of the Temporal CLI, e.g. to run `temporal operator` or `temporal workflow` commands. */
  cliPath: string;
  teardown(): Promise<void>;
}

/** Starts a fresh server with the project's search attributes; call teardown() in afterAll. */
export async function startTestTemporal(): Promise<TestTemporal> {
  const cliPath = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cliPath },
      searchAttributes: [...ORDER_SEARCH_ATTRIBUTES],
      ip: '127.0.0.1',
      ui: false,
    },
  });
  return { env, address: env.address, cliPath, teardown: () => env.teardown() };
}
