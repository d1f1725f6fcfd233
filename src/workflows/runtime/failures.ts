import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { formatIssues } from '@vipps-orders/vipps/issues';
import type { VippsFailureDetails } from '../messages/activityContract';
import { FAILURE_TYPES } from '../messages/failureTypes';
import type { OrderError } from '../messages/views';

/** Parses a command payload; a bad one is refused with `field: reason` messages. */
export function parseCommand<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.create({ message: formatIssues(parsed.error), type: FAILURE_TYPES.invalidCommand, nonRetryable: true });
}

/** Turns an activity failure into the error the order view shows (with the Vipps status and ErrorCode). */
export function describeFailure(step: string, err: unknown, at: string): OrderError {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as Partial<VippsFailureDetails> | undefined;
    const e: OrderError = { at, step, message: cause.message };
    if (details?.status !== undefined) e.status = details.status;
    if (details?.errorCode !== undefined) e.errorCode = details.errorCode;
    return e;
  }
  if (cause instanceof TimeoutFailure) return { at, step, message: `gave up after retrying (${cause.timeoutType})` };
  return { at, step, message: cause instanceof Error ? cause.message : String(cause) };
}

export function vippsRejected(error: OrderError): ApplicationFailure {
  return ApplicationFailure.create({ message: error.message, type: FAILURE_TYPES.vippsRejected, nonRetryable: true, details: [error] });
}
