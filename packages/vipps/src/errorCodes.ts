/**
 * The ePayment ErrorCodes (sent as `extraDetails: [{ name: "ErrorCode", reason: "<code>" }]`).
 * Titles are short descriptions in our own words; callers must branch on status + code, never on text.
 * Statuses follow the docs where they are published (6080/6100 → 400, 5070 → 422, idempotency → 409)
 * and default to 400 otherwise.
 */
export const VIPPS_ERROR_CODES = {
  3010: { status: 500, title: 'Internal error' },
  4010: { status: 409, title: 'Capture idempotency conflict' },
  4020: { status: 409, title: 'Idempotency key already used for another request' },
  4040: { status: 400, title: 'Invalid amount' },
  4070: { status: 400, title: 'Invalid phone number' },
  4090: { status: 400, title: 'Invalid URL' },
  4100: { status: 400, title: 'Too many metadata entries' },
  4110: { status: 400, title: 'Duplicate metadata keys' },
  4120: { status: 400, title: 'Metadata key too long' },
  4130: { status: 400, title: 'Metadata value too long' },
  4140: { status: 400, title: 'Missing required parameter' },
  4150: { status: 409, title: 'Reference already exists or refund idempotency conflict' },
  4160: { status: 400, title: 'Invalid payment method type' },
  5040: { status: 400, title: 'Currency not supported for this sales unit' },
  5070: { status: 422, title: 'Payment cannot be created' },
  5090: { status: 404, title: 'Payment not found' },
  6010: { status: 400, title: 'Amount below the minimum' },
  6020: { status: 400, title: 'Nothing captured to refund' },
  6030: { status: 400, title: 'Cancel period expired' },
  6040: { status: 400, title: 'Cannot cancel a fully captured payment' },
  6050: { status: 400, title: 'Cannot cancel a payment that is not reserved' },
  6060: { status: 400, title: 'Cannot cancel an authorized payment with cancelTransactionOnly' },
  6070: { status: 400, title: 'Cannot capture a cancelled payment' },
  6080: { status: 400, title: 'Cannot capture before the payment is authorized' },
  6090: { status: 400, title: 'Capture amount exceeds the remaining reservation' },
  6100: { status: 400, title: 'Capture period expired' },
  6110: { status: 400, title: 'expiresAt is too far in the future' },
  6120: { status: 400, title: 'expiresAt is too soon' },
  6130: { status: 400, title: 'A long-living payment requires a receipt' },
  6140: { status: 400, title: 'Must capture the full amount' },
  6150: { status: 400, title: 'Refund amount exceeds the refundable amount' },
  6160: { status: 409, title: 'Payment is being processed' },
  6190: { status: 400, title: 'Payment cannot be cancelled in its state' },
  6200: { status: 400, title: 'Payment cannot be captured in its state' },
  6210: { status: 400, title: 'Payment cannot be refunded in its state' },
  6220: { status: 400, title: 'Refund period expired' },
  6250: { status: 409, title: 'Cannot cancel a payment the user is processing' },
  6260: { status: 400, title: 'Funds unavailable' },
  6280: { status: 500, title: 'Capture failed, try again later' },
  10010: { status: 400, title: 'Approve failed' },
} as const satisfies Record<number, { status: number; title: string }>;

export type VippsErrorCode = keyof typeof VIPPS_ERROR_CODES;

/** Codes that mean "try again later with the same Idempotency-Key". */
export const RETRYABLE_ERROR_CODES: ReadonlySet<number> = new Set([6160, 6250, 6280]);
