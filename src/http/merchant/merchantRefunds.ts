import type { Client } from '@temporalio/client';
import type { RefundOutcome } from '../../workflows/messages';
import { SalesUnitAttribute, VippsReference } from '../../workflows/messages/searchAttributes';

/** At most this many refund results are read for one list page (each is a history read: free, but not instant). */
const MAX_REFUNDS_READ = 100;

/**
 * What was refunded after settlement, per order, for the merchant's list: one visibility query for
 * the refund workflows of the listed orders, then each closed one's result, which says whether
 * Vipps refunded (the workflow's status alone does not). Refunds made while an order still ran
 * are in that order's own view, shown on its page. The map's key is `keyOf(unit, orderId)`, the
 * unit from the refund's SalesUnit attribute (absent without SALES_UNITS_FILE) run through
 * `unitOf` as the list's rows are.
 */
export async function refundedAfterSettlement(
  client: Client,
  orderIds: string[],
  keyOf: (unit: string | undefined, orderId: string) => string,
  unitOf: (salesUnit: string | undefined) => string | undefined = (u) => u,
): Promise<Map<string, number>> {
  const refunded = new Map<string, number>();
  if (orderIds.length === 0) return refunded;
  // Order ids match ^[a-zA-Z0-9-]{8,64}$, so they are safe inside the quoted list.
  const query = `WorkflowType = 'refundWorkflow' AND ExecutionStatus = 'Completed' AND ${VippsReference.name} IN (${[...new Set(orderIds)].map((id) => `'${id}'`).join(', ')})`;
  let read = 0;
  for await (const wf of client.workflow.list({ query })) {
    if (++read > MAX_REFUNDS_READ) break;
    const outcome = (await client.workflow.getHandle(wf.workflowId, wf.runId).result()) as RefundOutcome;
    if (outcome.refund.status !== 'REFUNDED') continue;
    const orderId = wf.typedSearchAttributes.get(VippsReference);
    if (!orderId) continue;
    const key = keyOf(unitOf(wf.typedSearchAttributes.get(SalesUnitAttribute)), orderId);
    refunded.set(key, (refunded.get(key) ?? 0) + outcome.refund.amount.value);
  }
  return refunded;
}
