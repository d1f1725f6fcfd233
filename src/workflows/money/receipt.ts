/**
 * The receipt goes to Order Management once the payment is authorized, beside the main loop: a
 * slow or failing Order Management must never hold up a capture.
 */
import { isCancellation } from '@temporalio/workflow';
import { describeFailure } from '../runtime/failures';
import { addAlert, note, nowIso, recordError } from '../order/orderBook';
import type { StepContext } from '../order/orderData';

export interface ReceiptTask {
  /** Starts the attach once; later calls do nothing. */
  start(): void;
  readonly running: boolean;
  finished(): Promise<void>;
}

export function startReceipt({ order, acts, clock }: StepContext, changed: () => void): ReceiptTask {
  let task: Promise<void> | undefined;
  let running = false;
  const attach = async () => {
    running = true;
    try {
      const result = await acts.receipt.attachReceipt.executeWithOptions({ summary: 'Attach the receipt (Order Management)' }, [
        { reference: order.input.orderId, orderLines: order.input.orderLines, currency: order.input.amount.currency },
      ]);
      order.receipt = { status: 'ATTACHED' };
      note(order, clock(), result.outcome === 'already-attached' ? 'receipt was already attached' : 'receipt attached');
    } catch (err) {
      if (isCancellation(err)) {
        // A workflow cancellation cut the attach short (it ran in the run's root scope). Nothing
        // awaits this promise then, and a rejection nobody handles fails every workflow task of the
        // run, so it ends quietly: the receipt is still owed, and the compensation starts it again.
        task = undefined;
        return;
      }
      const error = describeFailure('attachReceipt', err, nowIso(clock()));
      order.receipt = { status: 'FAILED', error };
      recordError(order, clock(), error);
      addAlert(order, 'RECEIPT_FAILED');
    } finally {
      running = false;
      changed();
    }
  };
  return {
    start() {
      // A resumed run (continue-as-new) knows whether the receipt is attached already.
      if (task || order.receipt.status !== 'PENDING') return;
      task = attach();
    },
    get running() {
      return running;
    },
    finished: () => task ?? Promise.resolve(),
  };
}
