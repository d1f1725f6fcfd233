import type { Client } from '@temporalio/client';
import { OrderAlerts, OrderAmountMinor, OrderStatusAttribute, SalesUnitAttribute, VippsReference } from '../workflows/messages/searchAttributes';

export interface OrderSummary {
  orderId: string;
  workflowId: string;
  status: string;
  alerts: string[];
  amountMinor?: number;
  /** The SalesUnit search attribute: absent for orders of a deployment without SALES_UNITS_FILE (and those from before it). */
  salesUnit?: string;
  startedAt: string;
  closed: boolean;
}

/**
 * Recent orders from Temporal visibility (eventually consistent; for the demo merchant page).
 * `filter` is more visibility query, ANDed on (e.g. one sales unit's); the caller builds it from
 * names it has checked, never from raw input.
 * No ORDER BY: SQL visibility (the dev server, PostgreSQL) refuses it; it returns newest first anyway.
 */
export async function listRecentOrders(client: Client, taskQueue: string, limit: number, filter = ''): Promise<OrderSummary[]> {
  const out: OrderSummary[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'orderWorkflow' AND TaskQueue = '${taskQueue}'${filter}` })) {
    const sa = wf.typedSearchAttributes;
    const amount = sa.get(OrderAmountMinor);
    const unit = sa.get(SalesUnitAttribute);
    out.push({
      orderId: sa.get(VippsReference) ?? wf.workflowId.replace(/^order-/, ''),
      workflowId: wf.workflowId,
      status: sa.get(OrderStatusAttribute) ?? 'UNKNOWN',
      alerts: sa.get(OrderAlerts) ?? [],
      ...(amount !== undefined && { amountMinor: amount }),
      ...(unit !== undefined && { salesUnit: unit }),
      startedAt: wf.startTime.toISOString(),
      closed: wf.status.name !== 'RUNNING',
    });
    if (out.length >= limit) break;
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}
