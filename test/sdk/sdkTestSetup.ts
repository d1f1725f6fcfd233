/**
 * What each SDK reproduction in this folder needs: a dev server for the file's tests and its small
 * workflow bundled once. Call at the top of a test file; read `sdk.server` and `sdk.bundle` in tests.
 */
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { quietTemporalLogs } from '../support/temporalLogs';
import { startTestTemporal, type TestTemporal } from '../support/temporalServer';

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

export function sdkTestSetup(workflowsPath: string): { server: TestTemporal; bundle: WorkflowBundleWithSourceMap } {
  const sdk = {} as { server: TestTemporal; bundle: WorkflowBundleWithSourceMap };
  jest.setTimeout(120_000);
  beforeAll(async () => {
    quietTemporalLogs();
    sdk.server = await startTestTemporal();
    sdk.bundle = await bundleWorkflowCode({ workflowsPath, logger: silent });
  }, 120_000);
  afterAll(() => sdk.server?.teardown());
  return sdk;
}
