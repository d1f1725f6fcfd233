/**
 * The order's bookkeeping: lines, shipments, refunds, amounts, status, alerts and the timeline.
 * Pure and synchronous; the workflow drives it and persists nothing else. Commands are checked
 * here (`check*`) so validators and handlers share one rule set.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { PaymentSnapshot } from './activityContract';
import {
  FAILURE_TYPES,
  type Money,
  type OrderAlert,
  type OrderError,
  type OrderLineView,
  type OrderStatus,
  type OrderView,
  type OrderWorkflowInput,
  type PaymentEventSignal,
  type RefundRequest,
  type RefundView,
  type ShipRequest,
  type ShipmentView,
  type TimelineEntry,
} from './messages';
import { formatMoney } from './money';
import type { PaymentState } from '@vipps-orders/vipps/schemas';

const MAX_TIMELINE = 200;
const SHIPPABLE: ReadonlySet<OrderStatus> = new Set(['AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION']);
const CANCELLABLE: ReadonlySet<OrderStatus> = new Set(['PENDING_PAYMENT', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION']);

function conflict(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FAILURE_TYPES.invalidState, nonRetryable: true });
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FAILURE_TYPES.invalidCommand, nonRetryable: true });
}

export interface CancelRecord {
  status: 'REQUESTED' | 'DONE' | 'FAILED';
  reason?: string;
  error?: OrderError;
}

export class OrderState {
  status: OrderStatus = 'PENDING_PAYMENT';
  paymentState?: PaymentState;
  redirectUrl?: string;
  createFailure?: OrderError;
  aggregate = { authorized: 0, captured: 0, cancelled: 0, refunded: 0 };
  authorizedAt?: number;
  captureDeadline?: number;
  captureDeadlineSource?: 'vipps' | 'policy';
  deadlineWarned = false;
  receipt: OrderView['receipt'] = { status: 'PENDING' };
  readonly lines: OrderLineView[];
  readonly shipments: ShipmentView[] = [];
  readonly refunds: RefundView[] = [];
  cancel?: CancelRecord;
  alerts = new Set<OrderAlert>();
  failureReason?: string;
  closesAt?: number;
  lastError?: OrderError;
  waitingFor = 'the payment to be created';
  /** Set when something outside this workflow (e.g. the business portal) moved money. */
  reconcileRequested = false;
  /** Bumped whenever status or alerts change, so the workflow upserts search attributes once per step. */
  searchAttributesVersion = 0;
  private readonly timeline: TimelineEntry[] = [];
  private readonly seenEvents = new Set<string>();

  constructor(
    readonly input: OrderWorkflowInput,
    readonly workflowId: string,
    private readonly clock: () => number,
  ) {
    this.lines = input.orderLines.map((l) => ({ id: l.id, name: l.name, totalAmount: l.totalAmount, state: 'OPEN' as const }));
  }

  get currency(): Money['currency'] {
    return this.input.amount.currency;
  }

  money(value: number): Money {
    return { value, currency: this.currency };
  }

  now(): string {
    return new Date(this.clock()).toISOString();
  }

  note(step: string, detail?: string): void {
    this.timeline.push(detail === undefined ? { at: this.now(), step } : { at: this.now(), step, detail });
    // Keep the first entries (how the order began) and the latest ones.
    if (this.timeline.length > MAX_TIMELINE) this.timeline.splice(10, 1);
  }

  setStatus(status: OrderStatus, detail?: string): void {
    if (this.status === status) return;
    this.status = status;
    this.searchAttributesVersion++;
    this.note(`status ${status}`, detail);
  }

  addAlert(alert: OrderAlert): void {
    if (this.alerts.has(alert)) return;
    this.alerts.add(alert);
    this.searchAttributesVersion++;
  }

  clearAlert(alert: OrderAlert): void {
    if (this.alerts.delete(alert)) this.searchAttributesVersion++;
  }

  recordError(error: OrderError): void {
    this.lastError = error;
    this.note(`error in ${error.step}`, error.message);
  }

  // ---- payment ----------------------------------------------------------------------------------

  applyPayment(p: PaymentSnapshot): void {
    this.paymentState = p.state;
    this.aggregate = { ...p.aggregate };
  }

  /** Records a webhook; returns false for a duplicate (same event delivered again). */
  noteWebhook(evt: PaymentEventSignal): boolean {
    const key = `${evt.name}:${evt.pspReference}`;
    if (this.seenEvents.has(key)) return false;
    this.seenEvents.add(key);
    this.note(`webhook ${evt.name}`, evt.success ? undefined : 'success=false');
    return true;
  }

  setAuthorized(p: PaymentSnapshot, fallbackDeadlineMs: number): void {
    this.applyPayment(p);
    this.authorizedAt = this.clock();
    if (p.captureGuaranteedUntil) {
      this.captureDeadline = Date.parse(p.captureGuaranteedUntil);
      this.captureDeadlineSource = 'vipps';
    } else {
      this.captureDeadline = this.authorizedAt + fallbackDeadlineMs;
      this.captureDeadlineSource = 'policy';
    }
    this.closesAt = this.authorizedAt + this.input.policy.refundWindowMs;
    this.note('payment authorized', `${formatMoney(this.money(p.aggregate.authorized))}, capture by ${new Date(this.captureDeadline).toISOString()}`);
  }

  /** What may still be captured: authorized − captured − cancelled. */
  capturable(): number {
    return Math.max(0, this.aggregate.authorized - this.aggregate.captured - this.aggregate.cancelled);
  }

  refundable(): number {
    const pending = this.refunds.filter((r) => r.status === 'REFUNDING').reduce((s, r) => s + r.amount.value, 0);
    return Math.max(0, this.aggregate.captured - this.aggregate.refunded - pending);
  }

  openLines(): OrderLineView[] {
    return this.lines.filter((l) => l.state === 'OPEN');
  }

  shipment(id: string): ShipmentView | undefined {
    return this.shipments.find((s) => s.shipmentId === id);
  }

  refund(id: string): RefundView | undefined {
    return this.refunds.find((r) => r.refundId === id);
  }

  // ---- command checks (used by Update validators and handlers) ------------------------------------

  checkShip(req: ShipRequest): void {
    const existing = this.shipment(req.shipmentId);
    if (existing) {
      // A retried call: fine when it asks for the same thing.
      if (req.orderLineIds && !sameSet(req.orderLineIds, existing.orderLineIds)) {
        throw conflict(`shipment ${req.shipmentId} already exists with other order lines`);
      }
      return;
    }
    if (!SHIPPABLE.has(this.status)) throw conflict(`cannot ship an order that is ${this.status}`);
    if (this.cancel?.status === 'REQUESTED') throw conflict('the order is being cancelled');
    const open = this.openLines();
    if (open.length === 0) throw conflict('every order line is already shipped or cancelled');
    for (const id of req.orderLineIds ?? []) {
      const line = this.lines.find((l) => l.id === id);
      if (!line) throw invalid(`orderLineIds: unknown order line "${id}"`);
      if (line.state !== 'OPEN') throw conflict(`order line "${id}" is already ${line.state.toLowerCase()}`);
    }
    if (req.orderLineIds && new Set(req.orderLineIds).size !== req.orderLineIds.length) throw invalid('orderLineIds: contains duplicates');
  }

  /** Registers a shipment (after checkShip) and returns it; a known id returns the existing one. */
  addShipment(req: ShipRequest): ShipmentView {
    const existing = this.shipment(req.shipmentId);
    if (existing) return existing;
    const lineIds = req.orderLineIds ?? this.openLines().map((l) => l.id);
    let amount = 0;
    for (const id of lineIds) {
      const line = this.lines.find((l) => l.id === id)!;
      line.state = 'SHIPPED';
      line.shipmentId = req.shipmentId;
      amount += line.totalAmount;
    }
    const shipment: ShipmentView = {
      shipmentId: req.shipmentId,
      orderLineIds: lineIds,
      amount: this.money(amount),
      status: 'CAPTURING',
      shippedAt: this.now(),
    };
    this.shipments.push(shipment);
    this.note(`shipment ${req.shipmentId}`, `${lineIds.length} line(s), ${formatMoney(shipment.amount)}`);
    return shipment;
  }

  checkCancel(): void {
    if (this.cancel?.status === 'REQUESTED') return;
    if (!CANCELLABLE.has(this.status)) throw conflict(`cannot cancel an order that is ${this.status}`);
    const failedCaptures = this.shipments.some((s) => s.status === 'CAPTURE_FAILED');
    if (this.status !== 'PENDING_PAYMENT' && this.openLines().length === 0 && !failedCaptures) {
      throw conflict('nothing is left to cancel: every order line is shipped');
    }
  }

  checkRefund(req: RefundRequest): void {
    const existing = this.refund(req.refundId);
    if (existing) {
      if (existing.amount.value !== req.amount.value || existing.amount.currency !== req.amount.currency) {
        throw conflict(`refund ${req.refundId} already exists with another amount`);
      }
      return;
    }
    if (req.amount.currency !== this.currency) throw invalid(`amount.currency: must be ${this.currency}, the order's currency`);
    if (req.amount.value <= 0) throw invalid('amount.value: must be greater than 0');
    if (this.aggregate.captured === 0) throw conflict('nothing has been captured, so nothing can be refunded');
    if (this.closesAt !== undefined && this.clock() >= this.closesAt) throw conflict('the refund window has ended');
    const refundable = this.refundable();
    if (req.amount.value > refundable) {
      throw conflict(`amount ${formatMoney(req.amount)} exceeds what can be refunded (${formatMoney(this.money(refundable))})`);
    }
  }

  addRefund(req: RefundRequest): RefundView {
    const existing = this.refund(req.refundId);
    if (existing) return existing;
    const refund: RefundView = { refundId: req.refundId, amount: req.amount, status: 'REFUNDING', requestedAt: this.now() };
    this.refunds.push(refund);
    this.note(`refund ${req.refundId} requested`, formatMoney(req.amount));
    return refund;
  }

  /** After the reservation is released: open lines are cancelled, failed captures will never happen. */
  afterRelease(): void {
    for (const line of this.openLines()) line.state = 'CANCELLED';
    for (const s of this.shipments) if (s.status === 'CAPTURE_FAILED') s.status = 'NOT_CAPTURED';
    this.clearAlert('CAPTURE_FAILED');
    this.clearAlert('CAPTURE_DEADLINE_NEAR');
    this.clearAlert('CAPTURE_DEADLINE_PASSED');
  }

  /** Status after a money step, unless an operator is needed. */
  settledStatus(): OrderStatus {
    if (this.shipments.some((s) => s.status === 'CAPTURE_FAILED') || this.alerts.has('CAPTURE_UNCONFIRMED') || this.alerts.has('CAPTURE_DEADLINE_PASSED')) {
      return 'NEEDS_ATTENTION';
    }
    const captured = this.shipments.some((s) => s.status === 'CAPTURED');
    if (this.openLines().length === 0) return captured ? 'COMPLETED' : 'CANCELLED';
    return captured ? 'PARTIALLY_SHIPPED' : 'AWAITING_SHIPMENT';
  }

  view(): OrderView {
    const view: OrderView = {
      orderId: this.input.orderId,
      workflowId: this.workflowId,
      status: this.status,
      amount: this.input.amount,
      description: this.input.description,
      payment: {
        reference: this.input.orderId,
        ...(this.paymentState && { state: this.paymentState }),
        ...(this.redirectUrl && { redirectUrl: this.redirectUrl }),
        aggregate: { ...this.aggregate },
        ...(this.captureDeadline !== undefined && { captureDeadline: new Date(this.captureDeadline).toISOString() }),
        ...(this.captureDeadlineSource && { captureDeadlineSource: this.captureDeadlineSource }),
      },
      receipt: { ...this.receipt },
      orderLines: this.lines.map((l) => ({ ...l })),
      shipments: this.shipments.map((s) => ({ ...s, orderLineIds: [...s.orderLineIds] })),
      refunds: this.refunds.map((r) => ({ ...r })),
      alerts: [...this.alerts].sort(),
      waitingFor: this.waitingFor,
      timeline: this.timeline.map((t) => ({ ...t })),
    };
    if (this.failureReason) view.failureReason = this.failureReason;
    if (this.input.shopReturnUrl) view.shopReturnUrl = this.input.shopReturnUrl;
    if (this.closesAt !== undefined) view.closesAt = new Date(this.closesAt).toISOString();
    if (this.lastError) view.lastError = { ...this.lastError };
    return view;
  }
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
