/**
 * The Signals, Updates and Queries of the order and refund workflows, and their ids. Workflow-safe
 * and light: types only besides the SDK's define* calls.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CancelRequest, PaymentEventSignal, PlaceOrderUpdateArgs, RefundRequest, ShipRequest } from './commandSchemas';
import type { PlaceOrderResult } from './requests';
import type { OrderView, RefundView } from './views';

export function workflowIdFor(orderId: string): string {
  return `order-${orderId}`;
}

/** A refund after settlement runs as its own workflow; repeating the request joins the same run. */
export function refundWorkflowIdFor(orderId: string, refundId: string): string {
  return `refund-${orderId}-${refundId}`;
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
