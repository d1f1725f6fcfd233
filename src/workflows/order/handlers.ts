/**
 * The order's Signals, Updates and Query. Validators refuse bad or impossible commands before
 * anything is written to history; handlers record the command, wake the loop, and wait for the
 * outcome the caller needs. None of them calls Vipps: the loop does, one step at a time.
 */
import { ApplicationFailure, CancellationScope, condition, isCancellation, patched, setHandler } from '@temporalio/workflow';
import { acknowledge, addRefund, addShipment, onPaymentEvent, requestCancel, retryOperations } from './commands';
import { parseCommand, vippsRejected } from '../runtime/failures';
import { FAILURE_TYPES } from '../messages/failureTypes';
import {
  acknowledgeUpdate,
  cancelUpdate,
  customerReturnedUpdate,
  getOrderQuery,
  paymentEventSignal,
  placeOrderUpdate,
  refundUpdate,
  retryCaptureUpdate,
  shipUpdate,
} from '../messages/definitions';
import type { MoneyOp } from '../money/moneyOperation';
import { op as findOp } from './orderBook';
import { isAuthorized, type OrderData } from './orderData';
import { checkAcknowledge, checkCancel, checkRefund, checkRetry, checkShip } from './orderRules';
import { AcknowledgeRequest, CancelRequest, PaymentEventSignal, PlaceOrderUpdateArgs, RefundRequest, ShipRequest } from '../messages/commandSchemas';
import type { OrderView } from '../messages/views';

export interface OrderRuntime {
  order: OrderData;
  clock: () => number;
  /** Brings the clock up to the task's time: first thing in an accepted Update's handler, nowhere else. */
  syncClock: () => void;
  /** Moves the clock forward to a time carried by a message (a webhook's receipt time). */
  reachClock: (at: number) => void;
  /** Wakes the workflow loop to decide again. */
  changed: () => void;
  view: () => OrderView;
  /** The view for a command's caller, with status and alerts brought up to date first. */
  answer: () => OrderView;
}

/**
 * A proof by webhook settles the operation but carries no amounts: the order reads the payment
 * right after. The caller is answered after that read (or its first failure), so the view it gets
 * shows what Vipps holds rather than the amounts from before the call.
 */
function firstReadPending(order: OrderData): boolean {
  return order.reconcile !== undefined && order.reconcile.failures === 0;
}

/** The caller can be answered: the operation has an outcome, or it is unknown and with an operator. */
function answerable(op: MoneyOp): boolean {
  return op.status === 'DONE' || op.status === 'REFUSED' || (op.status === 'UNKNOWN' && op.escalated === true);
}

/** patched() id: an accepted command outlives a workflow cancellation and is answered with the view. */
export const UPDATES_OUTLIVE_CANCELLATION = 'updates-outlive-cancellation';
/** patched() id: retryCapture also makes a failed look (before a next key, or of an unresolved payment) happen now. */
export const RETRY_LOOKS_NOW = 'retry-looks-now';

/**
 * Waits like condition(), but a workflow cancellation (UI, CLI) does not break the wait: the command
 * was accepted and the compensation carries it to an outcome, so its caller gets that outcome rather
 * than an error. patched() only on the cancellation path, so ordinary orders get no marker event.
 */
async function until(fn: () => boolean): Promise<void> {
  try {
    await condition(fn);
  } catch (err) {
    if (!isCancellation(err) || !patched(UPDATES_OUTLIVE_CANCELLATION)) throw err;
    await CancellationScope.nonCancellable(() => condition(fn));
  }
}

export function registerHandlers(rt: OrderRuntime): void {
  const { order } = rt;

  setHandler(getOrderQuery, () => rt.view());

  setHandler(paymentEventSignal, (raw) => {
    const parsed = PaymentEventSignal.safeParse(raw);
    if (!parsed.success) return;
    if (parsed.data.receivedAt !== undefined) rt.reachClock(parsed.data.receivedAt);
    onPaymentEvent(order, parsed.data, rt.clock());
    rt.changed();
  });

  setHandler(
    placeOrderUpdate,
    async () => {
      rt.syncClock();
      await until(() => order.create.status !== 'PENDING');
      if (order.create.status === 'REFUSED') {
        const error = order.create.error!;
        throw ApplicationFailure.create({ type: FAILURE_TYPES.paymentCreateFailed, message: error.message, nonRetryable: true, details: [error] });
      }
      return { orderId: order.input.orderId, workflowId: order.workflowId, redirectUrl: order.payment.redirectUrl! };
    },
    {
      validator: (args) => {
        if (parseCommand(PlaceOrderUpdateArgs, args).requestFingerprint !== order.input.requestFingerprint) {
          throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidState, message: `order ${order.input.orderId} already exists with different content`, nonRetryable: true });
        }
      },
    },
  );

  setHandler(
    shipUpdate,
    async (raw) => {
      rt.syncClock();
      const shipment = addShipment(order, parseCommand(ShipRequest, raw), rt.clock());
      rt.changed();
      await until(() => answerable(findOp(order, shipment.opId)) && !firstReadPending(order));
      return rt.answer();
    },
    { validator: (raw) => checkShip(order, parseCommand(ShipRequest, raw)) },
  );

  setHandler(
    refundUpdate,
    async (raw) => {
      rt.syncClock();
      const refund = addRefund(order, parseCommand(RefundRequest, raw), rt.clock());
      rt.changed();
      const op = findOp(order, refund.opId);
      await until(() => answerable(op) && !firstReadPending(order));
      if (op.status === 'REFUSED') throw vippsRejected(op.error!);
      return rt.answer();
    },
    { validator: (raw) => checkRefund(order, parseCommand(RefundRequest, raw)) },
  );

  setHandler(
    cancelUpdate,
    async (raw) => {
      rt.syncClock();
      requestCancel(order, parseCommand(CancelRequest, raw), rt.clock());
      rt.changed();
      const stuck = () => order.ops.some((o) => (o.kind === 'release' || o.kind === 'void') && o.status === 'UNKNOWN' && o.escalated);
      await until(() => order.cancel?.status !== 'REQUESTED' || stuck());
      if (order.cancel?.status === 'FAILED') throw vippsRejected(order.cancel.error!);
      return rt.answer();
    },
    {
      validator: (raw) => {
        parseCommand(CancelRequest, raw);
        checkCancel(order);
      },
    },
  );

  setHandler(
    retryCaptureUpdate,
    async () => {
      rt.syncClock();
      const touched = retryOperations(order, rt.clock(), patched(RETRY_LOOKS_NOW)).map((op) => ({ op, attempts: op.attempts, lookupFailures: op.lookupFailures ?? 0 }));
      rt.changed();
      // Wait for the attempt this retry caused (or its look failing again), not for an older escalation.
      await until(() =>
        touched.every(({ op, attempts, lookupFailures }) => op.status === 'DONE' || op.status === 'REFUSED' || (op.attempts > attempts && op.status !== 'IN_FLIGHT') || (op.lookupFailures ?? 0) > lookupFailures),
      );
      return rt.answer();
    },
    { validator: () => checkRetry(order) },
  );

  setHandler(
    acknowledgeUpdate,
    (raw) => {
      rt.syncClock();
      acknowledge(order, parseCommand(AcknowledgeRequest, raw), rt.clock());
      rt.changed();
      return rt.answer();
    },
    { validator: (raw) => checkAcknowledge(order, parseCommand(AcknowledgeRequest, raw)) },
  );

  setHandler(customerReturnedUpdate, async () => {
    rt.syncClock();
    if (order.status === 'PENDING_PAYMENT' && order.create.status === 'DONE' && !isAuthorized(order)) {
      const reads = order.pending.reads;
      order.pending.wake ??= 'customer returned';
      rt.changed();
      await until(() => order.pending.reads > reads || order.status !== 'PENDING_PAYMENT');
    }
    return rt.answer();
  });
}
