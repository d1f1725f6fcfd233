import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FAILURE_TYPES, type OrderError, type OrderView } from '../workflows/messages';
import { OrderCommandError, isRefusal, issuesFromMessage } from './errors';
import type { OrderReader } from './orderReads';

/** Translates Temporal errors into the order API's errors; unknown ones pass through. */
export async function orderErrorFor(err: unknown, orderId: string, reads: Pick<OrderReader, 'view' | 'glance'>): Promise<unknown> {
  if (err instanceof OrderCommandError) return err;
  const view = (): Promise<OrderView | undefined> => reads.view(orderId).catch(() => undefined);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const failure = err.cause;
    switch (failure.type) {
      case FAILURE_TYPES.invalidState:
        return new OrderCommandError('order_conflict', failure.message, { order: await view() });
      case FAILURE_TYPES.invalidCommand:
        return new OrderCommandError('invalid_command', failure.message, { issues: issuesFromMessage(failure.message) });
      case FAILURE_TYPES.vippsRejected:
        return new OrderCommandError('vipps_rejected', failure.message, { vipps: failure.details?.[0] as OrderError, order: await view() });
      case FAILURE_TYPES.paymentCreateFailed: {
        // Refused by Vipps (a definite 4xx): the caller's to fix, like other refusals. 502 only when Vipps did not answer.
        const vipps = failure.details?.[0] as OrderError | undefined;
        return new OrderCommandError(isRefusal(vipps) ? 'vipps_rejected' : 'payment_create_failed', failure.message, vipps ? { vipps } : {});
      }
    }
  }
  if (err instanceof WorkflowUpdateFailedError && endedUnderCommand(err.cause)) {
    // Accepted, then the run ended (a workflow cancellation from the UI or CLI) before it answered.
    return new OrderCommandError('order_conflict', `order ${orderId} was ended by a workflow cancellation while this command ran; the order view shows what happened to it`, {
      order: await view(),
    });
  }
  if (err instanceof WorkflowNotFoundError) {
    // Updates to a closed workflow also land here: tell "closed" apart from "never existed".
    const glance = await reads.glance(orderId).catch(() => undefined);
    if (glance) return new OrderCommandError('order_conflict', `order ${orderId} is settled (${glance.status}); it takes no more commands except refunds`, { order: await view() });
    return new OrderCommandError('order_not_found', `order ${orderId} does not exist`);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new OrderCommandError('still_processing', 'the order did not answer in time; repeat the request', {}, { cause: err });
  }
  if (isUnavailable(err)) return new OrderCommandError('temporal_unavailable', 'Temporal is not reachable', {}, { cause: err });
  return err;
}

/**
 * The server's failure for an Update whose workflow closed before it completed, or a handler cut off
 * by the workflow's cancellation (histories from before 'updates-outlive-cancellation').
 */
function endedUnderCommand(cause: unknown): boolean {
  return cause instanceof CancelledFailure || (cause instanceof ApplicationFailure && cause.type === 'AcceptedUpdateCompletedWorkflow');
}

/** gRPC status codes (grpc/status.h); spelled out to avoid depending on @grpc/grpc-js directly. */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (isGrpcServiceError(e) && (Number(e.code) === GRPC_UNAVAILABLE || Number(e.code) === GRPC_DEADLINE_EXCEEDED)) return true;
    if (/connect|ECONNREFUSED|transport/i.test(e.message) && e.name !== 'OrderCommandError') return true;
  }
  return false;
}
