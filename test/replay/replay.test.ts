/**
 * Determinism guard: every saved history must replay on today's workflow code, including
 * histories recorded across a worker killed with SIGKILL and a run that continued as new. A change
 * that breaks open orders fails here (see docs/workflow.md, "Changing the workflow safely").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker, type ReplayResult, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Compiler } from 'webpack';
import { quietTemporalLogs } from '../support/temporalLogs';
import { workflowBundle } from '../support/orderHarness';

jest.setTimeout(120_000);

const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

function histories() {
  return files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown }));
}

async function replay(bundle: WorkflowBundleWithSourceMap): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories())) results.push(r);
  return results;
}

beforeAll(() => quietTemporalLogs());

test('the saved histories cover the lifecycle, a worker killed mid-refund and continue-as-new', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'happy-path.json',
      'partial-shipments-refunds.1.json',
      'partial-shipments-refunds.2.json',
      'capture-refused-then-retried.json',
      'capture-unknown-then-resolved.json',
      'cancel-before-shipment.json',
      'cancel-while-reading-payment.json',
      'continued-as-new.1.json',
      'continued-as-new.2.json',
      'ship-refund-across-worker-kill.json',
    ]),
  );
  const killed = readFileSync(join(dir, 'ship-refund-across-worker-kill.json'), 'utf8');
  expect(killed).toContain('EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT');
});

test('every saved history replays on the current workflow code', async () => {
  const results = await replay(await workflowBundle());
  expect(results.map((r) => [r.workflowId, r.error?.message])).toEqual(files.map((f) => [f.replace(/\.json$/, ''), undefined]));
});

test('a change to the real workflow that alters its commands is caught by the replay', async () => {
  const changedModule = require.resolve('./changedNextStep');
  const changed = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          // The workflow's own imports of ./nextStep get the changed module, which wraps the real one.
          apply(compiler: Compiler) {
            new compiler.webpack.NormalModuleReplacementPlugin(/[\\/]nextStep$/, (resource: { request: string; contextInfo: { issuer: string } }) => {
              if (resource.contextInfo.issuer !== changedModule) resource.request = changedModule;
            }).apply(compiler);
          },
        },
      ],
    }),
  });
  const results = await replay(changed);
  const broken = results.filter((r) => r.error !== undefined);
  // Every history that sends money (all but the rejected payment) now breaks, and says why.
  expect(broken.length).toBeGreaterThan(files.length / 2);
  expect(new Set(broken.map((r) => r.error?.name))).toEqual(new Set(['DeterminismViolationError']));
});
