/**
 * Determinism guard: every saved history must replay on today's workflow code. A change that
 * breaks in-flight orders fails here; gate it with patched() instead (see docs/workflow.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { quietTemporalLogs } from '../support/temporalLogs';
import { workflowBundle } from '../support/orderHarness';

jest.setTimeout(120_000);

const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

function histories() {
  return files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown }));
}

async function replay(bundle: Awaited<ReturnType<typeof workflowBundle>>): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories())) results.push(r);
  return results;
}

beforeAll(() => quietTemporalLogs());

test('the saved histories cover the main paths of the lifecycle', () => {
  expect(files).toEqual(expect.arrayContaining(['happy-path.json', 'partial-shipments-refund.json', 'capture-failure-retry.json', 'cancel-before-shipment.json']));
});

test('every saved order history replays on the current workflow code', async () => {
  const results = await replay(await workflowBundle());
  expect(results.map((r) => [r.workflowId, r.error?.message])).toEqual(files.map((f) => [f.replace(/\.json$/, ''), undefined]));
});

test('a non-deterministic change is caught by the replay', async () => {
  const changed = await bundleWorkflowCode({ workflowsPath: require.resolve('./nondeterministicWorkflow'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  const results = await replay(changed);
  expect(results.every((r) => r.error !== undefined)).toBe(true);
  expect(results[0]?.error?.name).toBe('DeterminismViolationError');
});
