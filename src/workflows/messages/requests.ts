/** The order workflow's input and policy, and what placing an order answers. Types only. */
import type { Amount, OrderLine } from '@vipps-orders/vipps/types';
import type { OrderSnapshot } from '../order/orderData';

/** Deadlines and timings of the lifecycle. Part of the workflow input so every run keeps the policy it started with. */
export interface OrderPolicy {
  /** How long Vipps gives the customer (10 minutes unless the sales unit has long-living payments). */
  paymentExpiryMs: number;
  /** How long past the expiry we wait for Vipps to say EXPIRED before cancelling with cancelTransactionOnly. */
  expiryGraceMs: number;
  /** Polling fallback for lost webhooks: first check after this long, then backoff up to pollMaxMs. */
  pollInitialMs: number;
  pollMaxMs: number;
  /** Capture deadline when Vipps gives no `captureGuaranteedUntil`. */
  captureDeadlineFallbackMs: number;
  /** Raise CAPTURE_DEADLINE_NEAR this long before the deadline. */
  captureDeadlineWarningMs: number;
  /** At the deadline: release what is unshipped (`cancel`) or hand the order to an operator (`hold`). */
  captureDeadlinePolicy: 'cancel' | 'hold';
  /**
   * Under `cancel`, release this long before the deadline: Vipps refuses a cancel once the
   * guarantee has ended (6030), so a release sent at the deadline itself comes too late. Absent in
   * inputs of orders placed before it existed: those release at the deadline, as they did, so their
   * histories replay.
   */
  captureDeadlineReleaseMarginMs?: number;
  /** Continue as new once the history is this long (a run never grows without bound). */
  continueAsNewAfterEvents: number;
  /** How long a Vipps call is retried with its key before its outcome counts as unknown. */
  callRetryWindowMs: number;
  /** First wait before an unknown outcome is tried again with the same key; later waits grow sixfold, up to an hour. */
  unknownRetryBaseMs: number;
  /**
   * Where the order posts a signed event on every status change (ORDER_EVENTS_URL). Absent: no
   * events, and no activity for them (older inputs have none, so their histories replay).
   */
  orderEventsUrl?: string;
  /**
   * The sales unit must capture in full (Vipps answers 6140 to a partial capture): a shipment that
   * leaves a paid line behind is refused before anything is marked shipped. Absent: partial is fine.
   */
  fullCaptureOnly?: true;
}

export interface OrderWorkflowInput {
  orderId: string;
  /**
   * The sales unit's name in SALES_UNITS_FILE: every Vipps call of the order is made for it.
   * Absent for a deployment configured by VIPPS_* variables (and orders placed before units).
   */
  salesUnit?: string;
  amount: Amount;
  description: string;
  orderLines: OrderLine[];
  /** Where Vipps sends the customer back: this service's return page for the order. */
  returnUrl: string;
  /** The shop's own page, linked from the return page once the payment is settled. */
  shopReturnUrl?: string;
  /** The customer's phone, sealed (encrypted) by the service so it never shows in history or the UI. */
  sealedCustomerPhone?: string;
  /** Hash of the placing request: a second POST with other content is refused, the same content joins. */
  requestFingerprint: string;
  policy: OrderPolicy;
  /**
   * The order keeps its view in its memo (viewMemo.ts). Set by the order client for every order it
   * places; orders placed before (and their recorded histories) have no memo commands, and are read
   * with a Query.
   */
  viewMemo?: true;
  /** Set only by continue-as-new: the state the previous run ended with. */
  resume?: OrderSnapshot;
}

export interface PlaceOrderResult {
  orderId: string;
  workflowId: string;
  /** The order's sales unit, on a service with SALES_UNITS_FILE. */
  salesUnit?: string;
  redirectUrl: string;
}
