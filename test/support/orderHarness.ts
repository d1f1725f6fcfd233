import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { withFinishTime } from '../../src/activities/finishTime';
import { OrderClient } from '../../src/orders/orderClient';
import { PiiSealer } from '../../src/security/piiSealing';
import type { OrderActivities } from '../../src/workflows/messages/activityContract';
import type { OrderPolicy } from '../../src/workflows/messages';
import { startTestTemporal, type TestTemporal } from './temporalServer';
import { quietTemporalLogs } from './temporalLogs';
import { testPolicy } from './orders';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per test file (webpack takes a few seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } });
  return bundle;
}

export const TEST_PII_SECRET = 'test-pii-secret-0123456789';

export function orderClient(client: Client, taskQueue: string, policy: Partial<OrderPolicy> = {}, commandTimeoutMs = 15_000): OrderClient {
  return new OrderClient({
    client,
    taskQueue,
    policy: testPolicy(policy),
    sealer: new PiiSealer(TEST_PII_SECRET),
    fingerprintSecret: TEST_PII_SECRET,
    returnUrlFor: (id) => `http://localhost:3000/orders/${id}/return`,
    commandTimeoutMs,
  });
}

export interface WorkflowHarness {
  temporal: TestTemporal;
  taskQueue: string;
  worker: Worker;
  stop(): Promise<void>;
}

/**
 * A real dev server and one worker running the order workflow with the given activities, stamped
 * with their finish time as the real ones are (src/activities/finishTime.ts).
 */
export async function startWorkflowHarness(activities: OrderActivities, server: { metricsPort?: number } = {}): Promise<WorkflowHarness> {
  quietTemporalLogs();
  const temporal = await startTestTemporal(server);
  const taskQueue = `orders-${randomUUID()}`;
  const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: withFinishTime(activities) });
  const running = worker.run();
  return {
    temporal,
    taskQueue,
    worker,
    async stop() {
      worker.shutdown();
      await running;
      await temporal.teardown();
    },
  };
}
