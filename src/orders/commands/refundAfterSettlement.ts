import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES, getRefundQuery, type OrderError, type OrderView, type RefundOutcome, type RefundRequest } from '../../workflows/messages';
import { formatMoney } from '../../workflows/messages/money';
import { OrderAmountMinor, SalesUnitAttribute, VippsReference } from '../../workflows/messages/searchAttributes';
import { refundWorkflowId, type OrderScope } from '../orderScope';
import type { refundWorkflow } from '../../workflows/refundWorkflow';
import type { CommandResult, OrderClientOptions } from '../clientOptions';
import { OrderCommandError } from '../errors';
import type { OrderReader } from '../orderReads';
import { orderErrorFor } from '../temporalErrors';
import { TIMED_OUT, withTimeout } from '../waiting';

/**
 * A refund of a settled order, as a refund workflow of its own (`refund-<orderId>.<refundId>`),
 * which a repeated request joins. The order's own figures are checked first, so a refund that
 * cannot be done starts nothing and calls no one.
 */
export async function refundAfterSettlement(opts: OrderClientOptions, scope: OrderScope, reads: OrderReader, orderId: string, req: RefundRequest): Promise<CommandResult> {
  const order = await reads.settledView(orderId).catch(() => undefined);
  if (!order) throw new OrderCommandError('order_conflict', `order ${orderId} has no settled view to refund against`);
  if (req.amount.currency !== order.amount.currency) {
    throw new OrderCommandError('invalid_command', `amount.currency: must be ${order.amount.currency}, the order's currency`, {
      issues: [{ field: 'amount.currency', reason: `must be ${order.amount.currency}, the order's currency` }],
    });
  }
  const existing = order.refunds.find((r) => r.refundId === req.refundId);
  if (existing && existing.amount.value !== req.amount.value) {
    throw new OrderCommandError('order_conflict', `refund ${req.refundId} already exists with another amount`, { order });
  }
  if (existing?.status === 'REFUNDED') return { order, complete: true };
  if (!existing) {
    // The order's own figures decide first: no refund workflow, no call to Vipps, no "failed" row.
    const available = await reads.refundableAfterSettlement(orderId, order, req.refundId);
    if (req.amount.value > available) {
      throw new OrderCommandError('order_conflict', `amount ${formatMoney(req.amount)} exceeds what can be refunded (${formatMoney({ value: available, currency: req.amount.currency })})`, { order });
    }
  }
  const handle = await startRefund(opts, scope, reads, orderId, req);
  const outcome = await withTimeout(
    handle.result().catch((err: unknown) => {
      // Refused by the payment's own figures before anything was sent: a conflict, and the id stays free.
      if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure && err.cause.type === FAILURE_TYPES.refundNotPossible) {
        throw new OrderCommandError('order_conflict', err.cause.message, { order });
      }
      throw err;
    }),
    opts.commandTimeoutMs,
  );
  if (outcome === TIMED_OUT) {
    const refund = await handle.query(getRefundQuery).catch(() => undefined);
    return { order: refund ? withRefund(order, refund) : order, complete: false };
  }
  if (outcome.refund.amount.value !== req.amount.value) {
    throw new OrderCommandError('order_conflict', `refund ${req.refundId} already exists with another amount`, { order: withRefund(order, outcome.refund) });
  }
  const view = withRefund(order, outcome.refund);
  if (outcome.refund.status === 'REFUND_FAILED') {
    throw new OrderCommandError('vipps_rejected', outcome.refund.error?.message ?? 'Vipps refused the refund', { vipps: outcome.refund.error as OrderError, order: view });
  }
  return { order: view, complete: true };
}

async function startRefund(opts: OrderClientOptions, scope: OrderScope, reads: OrderReader, orderId: string, req: RefundRequest): Promise<WorkflowHandle<typeof refundWorkflow>> {
  try {
    return await opts.client.workflow.start<typeof refundWorkflow>('refundWorkflow', {
      workflowId: refundWorkflowId(scope, orderId, req.refundId),
      taskQueue: opts.taskQueue,
      args: [{ orderId, refundId: req.refundId, amount: req.amount, policy: opts.policy, ...(scope.named && scope.unit && { salesUnit: scope.unit.name }) }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A refund refused before anything was sent fails its run, which frees the id again.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [
        { key: VippsReference, value: orderId },
        { key: OrderAmountMinor, value: req.amount.value },
        ...(scope.named && scope.unit ? [{ key: SalesUnitAttribute, value: scope.unit.name }] : []),
      ],
      staticSummary: `Refund ${req.refundId} of order ${orderId}: ${formatMoney(req.amount)}`,
    });
  } catch (err) {
    // Done before (a repeat): its result is the answer.
    if (err instanceof WorkflowExecutionAlreadyStartedError) return opts.client.workflow.getHandle(refundWorkflowId(scope, orderId, req.refundId));
    throw await orderErrorFor(err, orderId, reads);
  }
}

/** The settled order's view with this refund in it (the settled view predates the refund). */
function withRefund(order: OrderView, refund: RefundOutcome['refund']): OrderView {
  const refunds = order.refunds.filter((r) => r.refundId !== refund.refundId);
  const refunded = order.payment.aggregate.refunded + (refund.status === 'REFUNDED' && !order.refunds.some((r) => r.refundId === refund.refundId && r.status === 'REFUNDED') ? refund.amount.value : 0);
  return { ...order, refunds: [...refunds, refund], payment: { ...order.payment, aggregate: { ...order.payment.aggregate, refunded } } };
}
