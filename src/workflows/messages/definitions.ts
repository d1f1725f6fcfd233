/**
 * The Signals, Updates and Queries of the order and refund workflows, and their ids. Workflow-safe
 * and light: types only besides the SDK's define* calls.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AcknowledgeRequest, CancelRequest, PaymentEventSignal, PlaceOrderUpdateArgs, RefundRequest, ShipRequest } from './commandSchemas';
import type { PlaceOrderResult } from './requests';
import type { OrderView, RefundView } from './views';

/**
 * `order-<orderId>`, or `order-<unit>:<orderId>` for a sales unit of SALES_UNITS_FILE (the same
 * order id on two units is two orders). `:` cannot occur in unit names or order ids.
 */
export function workflowIdFor(orderId: string, unitPrefix?: string): string {
  return unitPrefix === undefined ? `order-${orderId}` : `order-${unitPrefix}:${orderId}`;
}

/**
 * A refund after settlement runs as its own workflow; repeating the request joins the same run.
 * Order and refund ids are `[a-zA-Z0-9-]`, so the `.` between them cannot occur in either: order
 * `shop-1001` refund `2-r1` and order `shop-1001-2` refund `r1` get different ids. (Refund
 * workflows started with the earlier `refund-<orderId>-<refundId>` are still found by their
 * `VippsReference`, and a repeat under the new id reuses the same Vipps key, so it cannot refund twice.)
 */
export function refundWorkflowIdFor(orderId: string, refundId: string, unitPrefix?: string): string {
  return unitPrefix === undefined ? `refund-${orderId}.${refundId}` : `refund-${unitPrefix}:${orderId}.${refundId}`;
}

export const placeOrderUpdate = defineUpdate<PlaceOrderResult, [PlaceOrderUpdateArgs]>('placeOrder');
export const shipUpdate = defineUpdate<OrderView, [ShipRequest]>('ship');
export const cancelUpdate = defineUpdate<OrderView, [CancelRequest]>('cancel');
export const refundUpdate = defineUpdate<OrderView, [RefundRequest]>('refund');
/**
 * Operator command: send a refused capture again with a new key, and resolve unknown outcomes now
 * (always with their own key).
 */
export const retryCaptureUpdate = defineUpdate<OrderView, []>('retryCapture');
/**
 * Operator command: an over-capture, a shortfall or an outside change is explained (with a
 * reason); the amount is recorded and the alert ends, so the order can settle. From the Temporal
 * UI or CLI: Update `acknowledge` with `{"alert": "OVER_CAPTURED", "reason": "..."}`.
 */
export const acknowledgeUpdate = defineUpdate<OrderView, [AcknowledgeRequest]>('acknowledge');
/**
 * The customer is back from Vipps: look at the payment now (once) and answer with the view after
 * that look. Replaces polling the order from the return page.
 */
export const customerReturnedUpdate = defineUpdate<OrderView, []>('customerReturned');

export const paymentEventSignal = defineSignal<[PaymentEventSignal]>('paymentEvent');

export const getOrderQuery = defineQuery<OrderView>('getOrder');
/** A refund workflow's refund, while it runs. */
export const getRefundQuery = defineQuery<RefundView>('getRefund');

/** What a refund workflow ends with. */
export interface RefundOutcome {
  orderId: string;
  refund: RefundView;
}
