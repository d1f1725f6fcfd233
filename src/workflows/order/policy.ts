import type { OrderPolicy } from '../messages/requests';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/**
 * Defaults for production. The capture deadline falls back to 7 days (the shortest card guarantee,
 * Visa) when Vipps gives no `captureGuaranteedUntil`; at the deadline the order goes to an operator
 * (`hold`) rather than releasing money on its own. A run continues as new after 2,000 events, far
 * below Temporal's limits, so no order can grow its history without bound.
 */
export const DEFAULT_ORDER_POLICY: OrderPolicy = {
  paymentExpiryMs: 10 * MINUTE,
  expiryGraceMs: 2 * MINUTE,
  pollInitialMs: 5 * SECOND,
  pollMaxMs: MINUTE,
  captureDeadlineFallbackMs: 7 * DAY,
  captureDeadlineWarningMs: 2 * DAY,
  captureDeadlinePolicy: 'hold',
  captureDeadlineReleaseMarginMs: 30 * MINUTE,
  continueAsNewAfterEvents: 2_000,
  callRetryWindowMs: 2 * MINUTE,
  unknownRetryBaseMs: 5 * SECOND,
};
