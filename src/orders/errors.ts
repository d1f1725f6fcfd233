import { VippsApiError } from '@vipps-orders/vipps';
import type { OrderError as OrderErrorInfo, OrderView } from '../workflows/messages';

export type OrderErrorCode =
  | 'order_not_found'
  | 'order_conflict'
  | 'invalid_command'
  | 'vipps_rejected'
  | 'payment_create_failed'
  | 'temporal_unavailable'
  | 'still_processing';

const HTTP_STATUS: Record<OrderErrorCode, number> = {
  order_not_found: 404,
  order_conflict: 409,
  invalid_command: 400,
  vipps_rejected: 422,
  payment_create_failed: 502,
  temporal_unavailable: 503,
  still_processing: 503,
};

/** One error type for everything that can go wrong when driving an order; the HTTP layer maps `code` to a status. */
export class OrderCommandError extends Error {
  override readonly name = 'OrderCommandError';
  readonly httpStatus: number;

  constructor(
    readonly code: OrderErrorCode,
    message: string,
    readonly extra: { vipps?: OrderErrorInfo; order?: OrderView; issues?: { field: string; reason: string }[] } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.httpStatus = HTTP_STATUS[code];
  }
}

/**
 * The workflow refuses a malformed command with `field: reason` messages (joined by `; `); the
 * caller gets them as `issues`, like a request the service itself refused.
 */
export function issuesFromMessage(message: string): { field: string; reason: string }[] {
  return message.split('; ').map((part) => {
    const at = part.indexOf(': ');
    return at > 0 ? { field: part.slice(0, at), reason: part.slice(at + 2) } : { field: '(body)', reason: part };
  });
}

/**
 * Whether a failed create was a definite refusal (the caller's to fix: 422) rather than Vipps not
 * answering (502). The same rule as the Vipps client's `isDefiniteRefusal`: a Vipps ErrorCode, or
 * 401/403. A bare 4xx (no ErrorCode), 408 and 429 are not.
 */
export function isRefusal(error: { status?: number; errorCode?: number } | undefined): boolean {
  if (error?.status === undefined) return false;
  return VippsApiError.isDefiniteRefusal({ kind: 'http', status: error.status, ...(error.errorCode !== undefined && { errorCode: error.errorCode }) });
}
