import type { Client } from '@temporalio/client';
import { OrderAlerts, OrderAmountMinor, OrderStatusAttribute, VippsReference } from '../workflows/messages/searchAttributes';

export interface OrderSummary {
  orderId: string;
  workflowId: string;
  status: string;
  alerts: string[];
  amountMinor?: number;
  startedAt: string;
  closed: boolean;
}

/**
 * Recent orders from Temporal visibility (eventually consistent; for the demo merchant page).
 * No ORDER BY: SQL visibility (the dev server, PostgreSQL) refuses it; it returns newest first anyway.
 */
export async function listRecentOrders(client: Client, taskQueue: string, limit: number): Promise<OrderSummary[]> {
  const out: OrderSummary[] = [];
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'orderWorkflow' AND TaskQueue = '${taskQueue}'` })) {
    const sa = wf.typedSearchAttributes;
    const amount = sa.get(OrderAmountMinor);
    out.push({
      orderId: sa.get(VippsReference) ?? wf.workflowId.replace(/^order-/, ''),
      workflowId: wf.workflowId,
      status: sa.get(OrderStatusAttribute) ?? 'UNKNOWN',
      alerts: sa.get(OrderAlerts) ?? [],
      ...(amount !== undefined && { amountMinor: amount }),
      startedAt: wf.startTime.toISOString(),
      closed: wf.status.name !== 'RUNNING',
    });
    if (out.length >= limit) break;
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}
