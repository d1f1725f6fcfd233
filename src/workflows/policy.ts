import type { OrderPolicy } from './messages';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/**
 * Defaults for production. The capture deadline falls back to 7 days (the shortest card guarantee,
 * Visa) when Vipps gives no `captureGuaranteedUntil`; at the deadline the order goes to an operator
 * (`hold`) rather than releasing money on its own. Orders stay open for refunds as long as Vipps
 * accepts them (365 days).
 */
export const DEFAULT_ORDER_POLICY: OrderPolicy = {
  paymentExpiryMs: 10 * MINUTE,
  expiryGraceMs: 2 * MINUTE,
  pollInitialMs: 5 * SECOND,
  pollMaxMs: MINUTE,
  captureDeadlineFallbackMs: 7 * DAY,
  captureDeadlineWarningMs: 2 * DAY,
  captureDeadlinePolicy: 'hold',
  refundWindowMs: 365 * DAY,
};
