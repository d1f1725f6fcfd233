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
