/**
 * The order's state as plain data: everything the workflow knows, serializable as it is, so
 * continue-as-new carries it to the next run unchanged. Modules that act on it take it as their
 * first argument; nothing else holds state.
 */
import type { PaymentState } from '@vipps-orders/vipps/types';
import type { WorkflowActivities } from '../runtime/activityProxies';
import type { MoneyOp } from '../money/moneyOperation';
import type { OrderEvent } from '../messages/orderEvents';
import type { OrderWorkflowInput } from '../messages/requests';
import type { CancelView, Money, OrderAlert, OrderError, OrderLineView, OrderStatus, TimelineEntry } from '../messages/views';

export interface Aggregate {
  authorized: number;
  captured: number;
  cancelled: number;
  refunded: number;
}

export interface ShipmentRecord {
  shipmentId: string;
  orderLineIds: string[];
  amount: Money;
  shippedAt: string;
  /** The capture operation (`MoneyOp.id`). */
  opId: string;
  /** Set when the capture was refused and the reservation then released: it will never be captured. */
  released?: boolean;
}

export interface RefundRecord {
  refundId: string;
  amount: Money;
  requestedAt: string;
  opId: string;
}

export interface Acknowledged {
  /** Captured at Vipps beyond our captures, explained by an operator (minor units). */
  extraCaptured: number;
  /** Confirmed by us but missing from Vipps' captured total, explained by an operator. */
  missingCaptured: number;
  /** Still reserved by Vipps' figures after a release it refused, recorded by an operator as no longer reserved (lapsed). */
  lapsed?: number;
  records: { alert: OrderAlert; reason: string; at: string; amount?: number }[];
}

export interface OrderSnapshot {
  status: OrderStatus;
  payment: {
    state?: PaymentState;
    redirectUrl?: string;
    aggregate: Aggregate;
    authorizedAt?: number;
    captureDeadline?: number;
    captureDeadlineSource?: 'vipps' | 'policy';
  };
  create: { status: 'PENDING' | 'DONE' | 'REFUSED'; error?: OrderError };
  /** While the customer decides: when to look next, and what woke us. */
  pending: {
    expiresAt: number;
    giveUpAt: number;
    nextPollAt: number;
    pollDelayMs: number;
    /** Completed payment reads; the customer's return waits for the next one. */
    reads: number;
    /** Reads and cancels that failed after the expiry, for backoff and escalation. */
    failuresAfterExpiry: number;
    wake?: string;
  };
  lines: OrderLineView[];
  shipments: ShipmentRecord[];
  refunds: RefundRecord[];
  ops: MoneyOp[];
  /** Sequence for our own operation ids (release, void). */
  opSeq: number;
  cancel?: CancelView;
  receipt: { status: 'PENDING' | 'ATTACHED' | 'FAILED'; error?: OrderError };
  alerts: OrderAlert[];
  deadlineWarned: boolean;
  /**
   * The capture deadline was acted on (released under `cancel`, handed to an operator under
   * `hold`): never again, whatever the release's answer, so a refused release cannot loop.
   */
  deadlineHandled?: boolean;
  /** Re-read the payment (money moved outside this workflow, or to confirm a proof): due at `at`. */
  reconcile?: { at: number; failures: number };
  /** What operators acknowledged; absent until the first acknowledgement (and in older runs). */
  acknowledged?: Acknowledged;
  /** Webhooks already seen (name:pspReference), most recent last, bounded. */
  seenEvents: string[];
  timeline: TimelineEntry[];
  lastError?: OrderError;
  failureReason?: string;
  /** Bumped when something operators filter on changes (status, alerts, deadline). */
  searchVersion: number;
  /** Order events to the shop (only with `policy.orderEventsUrl`): the status last announced, the last sequence number, what is still to post. */
  events?: { lastStatus: OrderStatus; sequence: number; queue: OrderEvent[] };
}

export interface OrderData extends OrderSnapshot {
  readonly input: OrderWorkflowInput;
  readonly workflowId: string;
}

export function newOrderData(input: OrderWorkflowInput, workflowId: string, now: number): OrderData {
  const { policy } = input;
  if (input.resume) return { ...structuredCloneSafe(input.resume), input: { ...input, resume: undefined }, workflowId };
  const expiresAt = now + policy.paymentExpiryMs;
  return {
    input,
    workflowId,
    status: 'PENDING_PAYMENT',
    payment: { aggregate: { authorized: 0, captured: 0, cancelled: 0, refunded: 0 } },
    create: { status: 'PENDING' },
    pending: {
      expiresAt,
      giveUpAt: expiresAt + policy.expiryGraceMs,
      nextPollAt: now + policy.pollInitialMs,
      pollDelayMs: policy.pollInitialMs,
      reads: 0,
      failuresAfterExpiry: 0,
    },
    lines: input.orderLines.map((l) => ({ id: l.id, name: l.name, totalAmount: l.totalAmount, state: 'OPEN' as const })),
    shipments: [],
    refunds: [],
    ops: [],
    opSeq: 0,
    receipt: { status: 'PENDING' },
    alerts: [],
    deadlineWarned: false,
    seenEvents: [],
    timeline: [],
    searchVersion: 0,
  };
}

export function snapshotOf(order: OrderData): OrderSnapshot {
  const { input: _input, workflowId: _workflowId, ...snapshot } = order;
  return structuredCloneSafe(snapshot);
}

/** JSON round trip: the snapshot is plain data by construction, and this keeps it so. */
function structuredCloneSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function money(order: OrderData, value: number): Money {
  return { value, currency: order.input.amount.currency };
}

export function isAuthorized(order: OrderData): boolean {
  return order.payment.authorizedAt !== undefined;
}

/** What a step of the order needs: its data, the activities, and the workflow's clock. */
export interface StepContext {
  order: OrderData;
  acts: WorkflowActivities;
  clock: () => number;
}
