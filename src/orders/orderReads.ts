/**
 * Reading orders, as cheaply as each read allows. Temporal bills every Query a worker answers, and a
 * Query sent to an open workflow is what triggers the sdk-core takeover defect
 * (test/sdk/queryClockDefect.test.ts), so no read asks a worker unless the caller insists:
 * - an open order is read from its workflow's description: the compact view the order keeps in
 *   its memo (src/workflows/messages/viewMemo.ts), written when it waits and when it starts a money
 *   operation, so at most one step behind; `asOf` says when (no worker, no Action);
 * - `live` (GET /orders/:id?live=true) asks the order itself with one Query;
 * - a settled order is read from its workflow's result and its refund workflows (no worker, no Action);
 * - the return page and lists use the description's search attributes and the order summary kept
 *   in its memo at start;
 * - when the order's workflow task is failing (a worker cannot replay it), the memo still holds
 *   its last view; without a memo (an order started before the memo existed), the last view it
 *   gave a caller, read from its history.
 */
import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import { decodeOptionalSinglePayload } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { orderWorkflowId, refundWorkflowId, unitFilter, type OrderScope } from './orderScope';
import { getOrderQuery, type OrderStatus, type OrderView, type RefundOutcome, type RefundView } from '../workflows/messages';
import type { orderWorkflow } from '../workflows/orderWorkflow';
import { OrderAmountMinor, OrderStatusAttribute, OrderAlerts, VippsReference } from '../workflows/messages/searchAttributes';
import { expandViewMemo, isViewMemo, VIEW_MEMO_KEY } from '../workflows/messages/viewMemo';
import type { OrderSettlementRecord, OrderSettlementView } from '../workflows/messages/settlement';

/** How much of a line the customer bought, for their page ("2 × Wool socks"). */
export interface LineQuantity {
  /** As the shop sent it: "2", "0.822". */
  quantity: string;
  /** Absent: pieces. */
  unit?: 'PCS' | 'KG' | 'KM' | 'MINUTE' | 'LITRE' | 'KWH';
  unitPrice?: number;
}

/** What the memo holds from the start: enough to show an order without asking its worker. */
export interface OrderMemo {
  requestFingerprint: string;
  amount: OrderView['amount'];
  description: string;
  lines: { id: string; name: string; totalAmount: number }[];
  /**
   * By line id, for lines the shop gave a quantity. Beside `lines`, not in them: those are spread
   * into the order views the API returns, whose lines have no quantity.
   */
  quantities?: Record<string, LineQuantity>;
  shopReturnUrl?: string;
}

export interface OrderGlance {
  orderId: string;
  status: OrderStatus | 'UNKNOWN';
  alerts: string[];
  running: boolean;
  memo?: OrderMemo;
  startedAt: string;
}

const EventType = temporal.api.enums.v1.EventType;

export class OrderReader {
  constructor(
    private readonly client: Client,
    private readonly scope: OrderScope = { named: false },
  ) {}

  /** Status and summary from the workflow's description; undefined when there is no such order. */
  async glance(orderId: string): Promise<OrderGlance | undefined> {
    let d: WorkflowExecutionDescription;
    try {
      d = await this.client.workflow.getHandle(orderWorkflowId(this.scope, orderId)).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
    return glanceAt(orderId, d);
  }

  /**
   * The full view. An open order: from its memo, unless `live` (one Query); a settled order: its
   * final result with later refunds.
   */
  async view(orderId: string, opts: { live?: boolean } = {}): Promise<OrderView> {
    const handle = this.client.workflow.getHandle<typeof orderWorkflow>(orderWorkflowId(this.scope, orderId));
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') return this.settledView(orderId);
    const kept = opts.live ? undefined : (this.memoView(orderId, d) ?? this.pendingView(orderId, d));
    if (kept) return kept;
    try {
      return await handle.query(getOrderQuery);
    } catch (err) {
      // The workflow may have ended between describe and query: then its result is the view.
      if (err instanceof WorkflowNotFoundError) throw err;
      const now = await handle.describe();
      if (now.status.name !== 'RUNNING') return this.settledView(orderId);
      const last = this.memoView(orderId, now) ?? (await this.lastKnownView(orderId));
      if (last) return last;
      throw err;
    }
  }

  /**
   * Every payout that carried the order's money and what reconciliation flagged, from the order's
   * settlement records (visibility, no worker); undefined until a payout has carried it.
   * Visibility trails a record by a moment.
   */
  async settlement(orderId: string): Promise<OrderSettlementView | undefined> {
    const query = `WorkflowType = 'orderSettlementWorkflow' AND ${VippsReference.name} = '${orderId}'${unitFilter(this.scope)}`;
    const records: OrderSettlementRecord[] = [];
    for await (const execution of this.client.workflow.list({ query })) {
      const record = execution.memo?.settlement as OrderSettlementRecord | undefined;
      if (record) records.push(record);
    }
    if (records.length === 0) return undefined;
    // Payouts by id (they grow with time); a not-paid-out record has none and comes last.
    records.sort((a, b) => (a.payoutId ?? '~').localeCompare(b.payoutId ?? '~', 'en', { numeric: true }));
    const payouts: OrderSettlementView['payouts'] = [];
    for (const { salesUnit: _u, reference: _r, findings: _f, payoutId, ...part } of records) if (payoutId !== undefined) payouts.push({ ...part, payoutId });
    return { payouts, findings: records.flatMap((r) => r.findings.map((f) => ({ ...f, ...(r.payoutId !== undefined && { payoutId: r.payoutId }) }))) };
  }

  /**
   * The view the order last wrote to its memo. While its workflow task keeps failing (a worker
   * cannot replay it), the order does not move; the view says so.
   */
  memoView(orderId: string, d: WorkflowExecutionDescription): OrderView | undefined {
    const memo = d.memo as { order?: OrderMemo; [VIEW_MEMO_KEY]?: unknown } | undefined;
    const kept = memo?.[VIEW_MEMO_KEY];
    if (!memo?.order || !isViewMemo(kept)) return undefined;
    const view = expandViewMemo(orderId, orderWorkflowId(this.scope, orderId), memo.order, kept);
    const attempt = d.raw.pendingWorkflowTask?.attempt ?? 0;
    if (attempt > 1) return { ...view, busy: true, waitingFor: `unknown: the order's workflow task is failing (attempt ${attempt}); this is its last known view` };
    return view;
  }

  /**
   * An order waiting for its payment writes no view memo until something happens (each write is a
   * billed Action): its start memo and status say all there is. Undefined for any other order.
   */
  private pendingView(orderId: string, d: WorkflowExecutionDescription): OrderView | undefined {
    const glance = glanceAt(orderId, d);
    if (glance.status !== 'PENDING_PAYMENT' || glance.alerts.length > 0 || !glance.memo) return undefined;
    return { ...this.summaryView(glance), waitingFor: 'the customer to approve the payment', asOf: glance.startedAt };
  }

  /** A settled order: the view its workflow ended with, plus refunds made since, each by its own workflow. */
  async settledView(orderId: string): Promise<OrderView> {
    const handle = this.client.workflow.getHandle<typeof orderWorkflow>(orderWorkflowId(this.scope, orderId));
    let view: OrderView;
    try {
      view = await handle.result();
    } catch (err) {
      // A run fails only when its payment could not be created: nothing was reserved.
      if (!(err instanceof WorkflowFailedError)) throw err;
      return this.notCreatedView(orderId, err);
    }
    const later = await this.refundsAfterSettlement(orderId);
    const known = new Set(view.refunds.map((r) => r.refundId));
    for (const r of later) {
      if (known.has(r.refundId)) continue;
      view.refunds.push(r);
      if (r.status === 'REFUNDED') view.payment.aggregate.refunded += r.amount.value;
    }
    return view;
  }

  /**
   * The order as its description shows it: status and alerts (search attributes) with the order's
   * summary (memo). Enough for the customer's return page, and no worker is asked. Shipments,
   * refunds and operations are not in it (see `view` for those).
   */
  summaryView(glance: OrderGlance): OrderView {
    const memo = glance.memo;
    const status = glance.status === 'UNKNOWN' ? 'PENDING_PAYMENT' : glance.status;
    return {
      orderId: glance.orderId,
      workflowId: orderWorkflowId(this.scope, glance.orderId),
      status,
      amount: memo?.amount ?? { value: 0, currency: 'NOK' },
      description: memo?.description ?? '',
      payment: { reference: glance.orderId, aggregate: { authorized: 0, captured: 0, cancelled: 0, refunded: 0 } },
      receipt: { status: 'PENDING' },
      orderLines: (memo?.lines ?? []).map((l) => ({ ...l, state: 'OPEN' as const })),
      shipments: [],
      refunds: [],
      operations: [],
      alerts: glance.alerts as OrderView['alerts'],
      waitingFor: 'a summary from the order\'s description; GET /orders/:orderId has the full view',
      busy: false,
      settled: !glance.running,
      timeline: [],
      ...(memo?.shopReturnUrl && { shopReturnUrl: memo.shopReturnUrl }),
    };
  }

  /** The view of an order whose payment could not be created, from its start (memo) and its failure. */
  private async notCreatedView(orderId: string, err: WorkflowFailedError): Promise<OrderView> {
    const glance = await this.glance(orderId);
    const memo = glance?.memo;
    const reason = err.cause?.message ?? err.message;
    return {
      orderId,
      workflowId: orderWorkflowId(this.scope, orderId),
      status: 'PAYMENT_FAILED',
      amount: memo?.amount ?? { value: 0, currency: 'NOK' },
      description: memo?.description ?? '',
      payment: { reference: orderId, aggregate: { authorized: 0, captured: 0, cancelled: 0, refunded: 0 } },
      receipt: { status: 'PENDING' },
      orderLines: (memo?.lines ?? []).map((l) => ({ ...l, state: 'OPEN' as const })),
      shipments: [],
      refunds: [],
      operations: [],
      alerts: [],
      waitingFor: 'nothing: the payment could not be created, and the order id may be placed again',
      busy: false,
      settled: true,
      failureReason: reason,
      timeline: [],
      ...(memo?.shopReturnUrl && { shopReturnUrl: memo.shopReturnUrl }),
    };
  }

  /** Refund workflows of a settled order (visibility: may lag a moment behind a refund just made). */
  async refundsAfterSettlement(orderId: string): Promise<RefundView[]> {
    const out: RefundView[] = [];
    const query = `WorkflowType = 'refundWorkflow' AND ${VippsReference.name} = '${orderId}'${unitFilter(this.scope)}`;
    for await (const wf of this.client.workflow.list({ query })) {
      if (wf.status.name !== 'COMPLETED') continue;
      const outcome = (await this.client.workflow.getHandle(wf.workflowId, wf.runId).result()) as RefundOutcome;
      out.push(outcome.refund);
    }
    return out.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  /**
   * What a settled order can still refund by its own figures: captured − refunded (its view, with
   * the refunds after settlement) − refunds after settlement still running (their amounts are in
   * their `OrderAmountMinor`), leaving out the refund `refundId` itself (a repeat joins it).
   * Visibility may lag a refund just made; the refund workflow checks Vipps' figures again before
   * it sends anything.
   */
  async refundableAfterSettlement(orderId: string, view: OrderView, refundId: string): Promise<number> {
    let inFlight = 0;
    const query = `WorkflowType = 'refundWorkflow' AND ${VippsReference.name} = '${orderId}' AND ExecutionStatus = 'Running'${unitFilter(this.scope)}`;
    for await (const wf of this.client.workflow.list({ query })) {
      if (wf.workflowId !== refundWorkflowId(this.scope, orderId, refundId)) inFlight += wf.typedSearchAttributes.get(OrderAmountMinor) ?? 0;
    }
    const { captured, refunded } = view.payment.aggregate;
    return Math.max(0, captured - refunded - inFlight);
  }

  /** The newest order view in the history: the result of the last completed Update. */
  async lastKnownView(orderId: string): Promise<OrderView | undefined> {
    const history = await this.client.workflow.getHandle(orderWorkflowId(this.scope, orderId)).fetchHistory();
    return lastViewIn(history.events ?? [], this.client.options.loadedDataConverter);
  }

  /** Starts a refund after settlement, or joins the one with the same id. */
  refundHandle(orderId: string, refundId: string) {
    return this.client.workflow.getHandle(refundWorkflowId(this.scope, orderId, refundId));
  }
}

/** Status and summary from a workflow's description. */
function glanceAt(orderId: string, d: WorkflowExecutionDescription): OrderGlance {
  const memo = (d.memo as { order?: OrderMemo } | undefined)?.order;
  return {
    orderId,
    status: (d.typedSearchAttributes.get(OrderStatusAttribute) as OrderStatus | undefined) ?? 'UNKNOWN',
    alerts: d.typedSearchAttributes.get(OrderAlerts) ?? [],
    running: d.status.name === 'RUNNING',
    ...(memo && { memo }),
    startedAt: d.startTime.toISOString(),
  };
}

/** The result of the last completed Update in these events, marked as the last known view. */
export async function lastViewIn(events: temporal.api.history.v1.IHistoryEvent[], converter: LoadedDataConverter): Promise<OrderView | undefined> {
  for (const event of [...events].reverse()) {
    if (event.eventType !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) continue;
    const payload = event.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads?.[0];
    if (!payload) continue;
    const value = await decodeOptionalSinglePayload<unknown>(converter, payload);
    if (isOrderView(value)) return { ...value, busy: true, waitingFor: `unknown: the order's workflow task is failing; this is its last known view` };
  }
  return undefined;
}

function isOrderView(value: unknown): value is OrderView {
  return typeof value === 'object' && value !== null && 'orderId' in value && 'orderLines' in value && 'payment' in value;
}
