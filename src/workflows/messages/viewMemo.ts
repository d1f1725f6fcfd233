/**
 * The order view kept in the workflow's memo, so that reading an open order needs no worker: a
 * Query is a billed Action, and a Query sent to an open workflow is what triggers the sdk-core
 * takeover defect (test/sdk/queryClockDefect.test.ts). The memo is written to history each time,
 * so it holds only what the start memo (`order`: amount, description, lines) does not, and the
 * newest timeline entries. Pure functions, no SDK: the workflow writes it, the order reader expands it.
 */
import type { OrderView } from './views';

/** The memo key of the compact view (the start memo's key is `order`). */
export const VIEW_MEMO_KEY = 'view';
/** Timeline entries kept in the memo: enough to see what happened last. */
export const TIMELINE_IN_MEMO = 6;

type Payment = Omit<OrderView['payment'], 'reference'>;

export interface ViewMemo {
  /** The order's own time (decision clock) of the step that wrote this view. */
  asOf: string;
  status: OrderView['status'];
  payment: Payment;
  receipt: OrderView['receipt'];
  /** Line states only; ids, names and totals are in the start memo. */
  lines: { id: string; state: OrderView['orderLines'][number]['state']; shipmentId?: string }[];
  shipments: OrderView['shipments'];
  refunds: OrderView['refunds'];
  operations: OrderView['operations'];
  cancel?: OrderView['cancel'];
  alerts: OrderView['alerts'];
  waitingFor: string;
  busy: boolean;
  settled: boolean;
  lastError?: OrderView['lastError'];
  failureReason?: string;
  timeline: OrderView['timeline'];
  /** How many timeline entries the order has in all (the memo keeps the newest). */
  timelineLength: number;
}

/** What the start memo gives that the compact view leaves out. */
export interface OrderSummaryMemo {
  amount: OrderView['amount'];
  description: string;
  lines: { id: string; name: string; totalAmount: number }[];
  shopReturnUrl?: string;
}

export function compactView(view: OrderView, asOf: string): ViewMemo {
  const { payment, orderLines, timeline } = view;
  const { reference: _reference, ...rest } = payment;
  return {
    asOf,
    status: view.status,
    payment: rest,
    receipt: view.receipt,
    lines: orderLines.map((l) => ({ id: l.id, state: l.state, ...(l.shipmentId && { shipmentId: l.shipmentId }) })),
    shipments: view.shipments,
    refunds: view.refunds,
    operations: view.operations,
    ...(view.cancel && { cancel: view.cancel }),
    alerts: view.alerts,
    waitingFor: view.waitingFor,
    busy: view.busy,
    settled: view.settled,
    ...(view.lastError && { lastError: view.lastError }),
    ...(view.failureReason && { failureReason: view.failureReason }),
    timeline: timeline.slice(-TIMELINE_IN_MEMO),
    timelineLength: timeline.length,
  };
}

/**
 * What a reader acts on, as a comparable string: everything but what the order is doing right now,
 * its time, its timeline (which gains an entry at almost every step) and the receipt. The receipt
 * is attached beside the loop moments after the authorization, and a write of its own would cost
 * an Action per order for nothing a shop acts on; a failed one raises an alert, which counts.
 */
export function substanceOf(memo: ViewMemo): string {
  const { asOf: _asOf, waitingFor: _waitingFor, busy: _busy, timeline: _timeline, timelineLength: _length, receipt: _receipt, ...rest } = memo;
  return JSON.stringify(rest);
}

/** The order view from the start memo and the compact view; `asOf` says how fresh it is. */
export function expandViewMemo(orderId: string, workflowId: string, summary: OrderSummaryMemo, memo: ViewMemo): OrderView {
  const states = new Map(memo.lines.map((l) => [l.id, l]));
  const view: OrderView = {
    orderId,
    workflowId,
    status: memo.status,
    amount: summary.amount,
    description: summary.description,
    payment: { reference: orderId, ...memo.payment },
    receipt: memo.receipt,
    orderLines: summary.lines.map((l) => {
      const s = states.get(l.id);
      return { ...l, state: s?.state ?? 'OPEN', ...(s?.shipmentId && { shipmentId: s.shipmentId }) };
    }),
    shipments: memo.shipments,
    refunds: memo.refunds,
    operations: memo.operations,
    ...(memo.cancel && { cancel: memo.cancel }),
    alerts: memo.alerts,
    waitingFor: memo.waitingFor,
    busy: memo.busy,
    settled: memo.settled,
    timeline: memo.timeline,
    asOf: memo.asOf,
  };
  if (summary.shopReturnUrl) view.shopReturnUrl = summary.shopReturnUrl;
  if (memo.lastError) view.lastError = memo.lastError;
  if (memo.failureReason) view.failureReason = memo.failureReason;
  return view;
}

export function isViewMemo(value: unknown): value is ViewMemo {
  return typeof value === 'object' && value !== null && 'asOf' in value && 'status' in value && 'lines' in value && 'operations' in value;
}
