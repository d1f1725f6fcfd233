import type { SalesUnit } from '@vipps-orders/vipps/sales-units';
import { refundWorkflowIdFor, workflowIdFor } from '../workflows/messages';
import { SalesUnitAttribute } from '../workflows/messages/searchAttributes';
import { OrderCommandError } from './errors';

/**
 * Which orders an order client addresses: those of one sales unit. The same order id on two units
 * is two orders, told apart by workflow id and the SalesUnit search attribute.
 */
export interface OrderScope {
  unit?: SalesUnit;
  /** Orders carry the unit's name (input, SalesUnit attribute): the units come from SALES_UNITS_FILE. */
  named: boolean;
}

function prefix(scope: OrderScope): string | undefined {
  if (scope.named && !scope.unit) {
    const reason = 'is required: this service has several sales units (address the order under /sales-units/{salesUnit}/orders/…, or OrderClient.forUnit)';
    throw new OrderCommandError('invalid_command', `salesUnit: ${reason}`, { issues: [{ field: 'salesUnit', reason }] });
  }
  return scope.unit && scope.named && !scope.unit.unprefixedOrderIds ? scope.unit.name : undefined;
}

export function orderWorkflowId(scope: OrderScope, orderId: string): string {
  return workflowIdFor(orderId, prefix(scope));
}

export function refundWorkflowId(scope: OrderScope, orderId: string, refundId: string): string {
  return refundWorkflowIdFor(orderId, refundId, prefix(scope));
}

/**
 * A visibility filter for this unit's workflows, to add to one by VippsReference. The unit with
 * unprefixed ids also owns workflows started before the file named units (no SalesUnit).
 */
export function unitFilter(scope: OrderScope): string {
  if (!scope.unit || !scope.named) return '';
  const mine = `${SalesUnitAttribute.name} = '${scope.unit.name}'`;
  return scope.unit.unprefixedOrderIds ? ` AND (${mine} OR ${SalesUnitAttribute.name} IS NULL)` : ` AND ${mine}`;
}
