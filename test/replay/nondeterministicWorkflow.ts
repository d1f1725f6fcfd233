/**
 * A deliberately changed order workflow (it skips creating the payment), used only to prove the
 * replay test catches a non-deterministic change.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { OrderActivities } from '../../src/workflows/activityContract';
import type { OrderWorkflowInput } from '../../src/workflows/messages';

const acts = proxyActivities<OrderActivities>({ startToCloseTimeout: '10s' });

export async function orderWorkflow(input: OrderWorkflowInput): Promise<void> {
  await acts.getPayment(input.orderId);
}
