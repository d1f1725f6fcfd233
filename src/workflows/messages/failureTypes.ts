/** ApplicationFailure types the workflow uses to refuse or fail commands; the order client maps them to HTTP. */
export const FAILURE_TYPES = {
  /** The order's state does not allow the command (HTTP 409). */
  invalidState: 'OrderStateConflict',
  /** The command itself is malformed (HTTP 400). */
  invalidCommand: 'InvalidCommand',
  /** Vipps refused the money operation (HTTP 422 with the ErrorCode). */
  vippsRejected: 'VippsRejected',
  /** The payment could not be created (HTTP 422 when Vipps refused it, 502 otherwise). */
  paymentCreateFailed: 'PaymentCreateFailed',
  /** A refund after settlement the payment's own figures rule out, refused before anything was sent (HTTP 409). */
  refundNotPossible: 'RefundNotPossible',
} as const;
