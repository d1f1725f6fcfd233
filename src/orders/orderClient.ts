import {
  WithStartWorkflowOperation,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { z } from 'zod';
import type { PiiSealer } from '../security/piiSealing';
import { describeIssues } from '@vipps-orders/vipps/schemas';
import { looksLikeOurKey } from '@vipps-orders/vipps/keys';
import {
  AcknowledgeRequest,
  CancelRequest,
  FAILURE_TYPES,
  acknowledgeUpdate,
  RefundRequest,
  ShipRequest,
  cancelUpdate,
  customerReturnedUpdate,
  getRefundQuery,
  paymentEventSignal,
  placeOrderUpdate,
  refundUpdate,
  refundWorkflowIdFor,
  retryCaptureUpdate,
  shipUpdate,
  workflowIdFor,
  type OrderError,
  type OrderPolicy,
  type OrderStatus as OrderStatusValue,
  type OrderView,
  type OrderWorkflowInput,
  type PaymentEventSignal,
  type PlaceOrderResult,
  type RefundOutcome,
} from '../workflows/messages';
import { formatMoney } from '../workflows/money';
import type { orderWorkflow } from '../workflows/orderWorkflow';
import { FINAL_STATUSES, PAST_AUTHORIZATION_STATUSES, isIn } from '../workflows/statusGroups';
import type { refundWorkflow } from '../workflows/refundWorkflow';
import { OrderAlerts, OrderAmountMinor, OrderStatusAttribute, VippsReference } from '../workflows/searchAttributes';
import { OrderCommandError, isRefusal, issuesFromMessage } from './errors';
import { commandUpdateId, requestFingerprint } from './fingerprint';
import { OrderReader, type OrderGlance, type OrderMemo } from './orderReads';
import { placeOrderRequestFor, type OrderCurrency, type PlaceOrderRequest } from './placeOrderRequest';

export interface OrderClientOptions {
  client: Client;
  taskQueue: string;
  policy: OrderPolicy;
  /** Seals the customer's phone before it enters a workflow. */
  sealer: PiiSealer;
  /** Keys the request fingerprints (a separate secret from the sealing key). */
  fingerprintSecret: string;
  /** The page Vipps sends the customer back to (this service's return page). */
  returnUrlFor: (orderId: string) => string;
  /** How long a command waits for the workflow's answer before the caller gets "still processing". */
  commandTimeoutMs: number;
  /** The sales unit's currency (VIPPS_CURRENCY); orders in another are refused before they start. NOK when unset. */
  currency?: OrderCurrency;
  /** The time a webhook is stamped with when it arrives (epoch ms); tests on a time-skipping server pass its time. */
  now?: () => number | Promise<number>;
}

/** The result of a command: the order view, and whether the command finished within the wait. */
export interface CommandResult {
  order: OrderView;
  complete: boolean;
}

export interface OrderSummary {
  orderId: string;
  workflowId: string;
  status: string;
  alerts: string[];
  amountMinor?: number;
  startedAt: string;
  closed: boolean;
}

/**
 * Places and drives orders through Temporal. Used by the HTTP API, the starter CLI and the demo.
 * Inputs are parsed by zod here, so every caller gets the same errors naming the field.
 */
export class OrderClient {
  readonly reads: OrderReader;

  constructor(private readonly opts: OrderClientOptions) {
    this.reads = new OrderReader(opts.client);
  }

  get temporal(): Client {
    return this.opts.client;
  }

  /** Creates the order (or joins the same one) and returns as soon as Vipps has given the redirect URL. */
  async placeOrder(raw: unknown): Promise<PlaceOrderResult> {
    const req = parse(placeOrderRequestFor(this.opts.currency ?? 'NOK'), raw);
    const fingerprint = requestFingerprint(this.opts.fingerprintSecret, req);
    const input: OrderWorkflowInput = {
      orderId: req.orderId,
      amount: req.amount,
      description: req.description,
      orderLines: req.orderLines,
      returnUrl: this.opts.returnUrlFor(req.orderId),
      requestFingerprint: fingerprint,
      policy: this.opts.policy,
      viewMemo: true,
      ...(req.returnUrl && { shopReturnUrl: req.returnUrl }),
      ...(req.customer && { sealedCustomerPhone: this.opts.sealer.seal(req.customer.phoneNumber) }),
    };
    const memo: OrderMemo = {
      requestFingerprint: fingerprint,
      amount: req.amount,
      description: req.description,
      lines: req.orderLines.map((l) => ({ id: l.id, name: l.name, totalAmount: l.totalAmount })),
      ...(req.returnUrl && { shopReturnUrl: req.returnUrl }),
    };
    const start = new WithStartWorkflowOperation<typeof orderWorkflow>('orderWorkflow', {
      workflowId: workflowIdFor(req.orderId),
      taskQueue: this.opts.taskQueue,
      args: [input],
      // A retried POST joins the running order. A settled order's id is never used for a second
      // payment; only a run whose payment could not be created (it failed) frees the id again.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [
        { key: OrderStatusAttribute, value: 'PENDING_PAYMENT' satisfies OrderStatusValue },
        { key: VippsReference, value: req.orderId },
        { key: OrderAmountMinor, value: req.amount.value },
      ],
      memo: { order: memo },
      staticSummary: `Order ${req.orderId}: ${formatMoney(req.amount)}`,
      staticDetails: staticDetails(req),
    });
    try {
      const update = await this.opts.client.workflow.startUpdateWithStart(placeOrderUpdate, {
        args: [{ requestFingerprint: fingerprint }],
        startWorkflowOperation: start,
        waitForStage: 'ACCEPTED',
      });
      const result = await withTimeout(update.result(), this.opts.commandTimeoutMs);
      if (result === TIMED_OUT) {
        throw new OrderCommandError('still_processing', 'the payment is not created yet; repeat the same request to get the redirect URL');
      }
      return result;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return this.placedBefore(req.orderId, fingerprint);
      throw await this.mapError(err, req.orderId);
    }
  }

  /** The order id was used by a settled order: the same content gets the same answer, other content 409. */
  private async placedBefore(orderId: string, fingerprint: string): Promise<PlaceOrderResult> {
    const glance = await this.reads.glance(orderId);
    const view = await this.reads.settledView(orderId).catch(() => undefined);
    if (glance?.memo?.requestFingerprint === fingerprint && view?.payment.redirectUrl) {
      return { orderId, workflowId: workflowIdFor(orderId), redirectUrl: view.payment.redirectUrl };
    }
    throw new OrderCommandError('order_conflict', `order ${orderId} already exists (${view?.status ?? 'closed'}) with other content`, view ? { order: view } : {});
  }

  /** The order view, without asking its worker; `live` asks a running order itself (one Query). */
  async getOrder(orderId: string, opts: { live?: boolean } = {}): Promise<OrderView> {
    try {
      return await this.reads.view(orderId, opts);
    } catch (err) {
      throw await this.mapError(err, orderId);
    }
  }

  /** Status and summary without asking the order's worker (no billed Query). */
  async glance(orderId: string): Promise<OrderGlance | undefined> {
    return this.reads.glance(orderId);
  }

  async ship(orderId: string, raw: unknown): Promise<CommandResult> {
    const req = parse(ShipRequest, raw);
    // A retried call is deduplicated by Temporal; the same shipment id with other lines reaches the validator (409).
    const updateId = commandUpdateId('ship', req.shipmentId, req.orderLineIds ? [...new Set(req.orderLineIds)].sort() : 'every open line');
    return this.command(orderId, (h) => h.startUpdate(shipUpdate, { args: [req], updateId, waitForStage: 'ACCEPTED' }));
  }

  async cancel(orderId: string, raw: unknown, requestId?: string): Promise<CommandResult> {
    const req = parse(CancelRequest, raw ?? {});
    return this.command(orderId, (h) =>
      h.startUpdate(cancelUpdate, { args: [req], waitForStage: 'ACCEPTED', ...(requestId && { updateId: `cancel:${requestId}` }) }),
    );
  }

  /**
   * Refunds: inside the order while it runs; once it is settled, as a refund workflow of its own
   * (`refund-<orderId>.<refundId>`), which a repeated request joins.
   */
  async refund(orderId: string, raw: unknown): Promise<CommandResult> {
    const req = parse(RefundRequest, raw);
    const glance = await this.reads.glance(orderId);
    if (!glance) throw new OrderCommandError('order_not_found', `order ${orderId} does not exist`);
    if (glance.running) {
      try {
        return await this.command(orderId, (h) => h.startUpdate(refundUpdate, { args: [req], updateId: commandUpdateId('refund', req.refundId, req.amount), waitForStage: 'ACCEPTED' }));
      } catch (err) {
        // The order settled in the meantime (or is just settling): refund on its own then.
        const settling = err instanceof OrderCommandError && err.code === 'order_conflict' && /refunds now run on their own|is settled/.test(err.message);
        if (!settling) throw err;
        await this.opts.client.workflow.getHandle(workflowIdFor(orderId)).result().catch(() => undefined);
      }
    }
    return this.refundAfterSettlement(orderId, req);
  }

  private async refundAfterSettlement(orderId: string, req: RefundRequest): Promise<CommandResult> {
    const order = await this.reads.settledView(orderId).catch(() => undefined);
    if (!order) throw new OrderCommandError('order_conflict', `order ${orderId} has no settled view to refund against`);
    if (req.amount.currency !== order.amount.currency) {
      throw new OrderCommandError('invalid_command', `amount.currency: must be ${order.amount.currency}, the order's currency`, {
        issues: [{ field: 'amount.currency', reason: `must be ${order.amount.currency}, the order's currency` }],
      });
    }
    const existing = order.refunds.find((r) => r.refundId === req.refundId);
    if (existing && (existing.amount.value !== req.amount.value)) {
      throw new OrderCommandError('order_conflict', `refund ${req.refundId} already exists with another amount`, { order });
    }
    if (existing?.status === 'REFUNDED') return { order, complete: true };
    if (!existing) {
      // The order's own figures decide first: no refund workflow, no call to Vipps, no "failed" row.
      const available = await this.reads.refundableAfterSettlement(orderId, order, req.refundId);
      if (req.amount.value > available) {
        throw new OrderCommandError('order_conflict', `amount ${formatMoney(req.amount)} exceeds what can be refunded (${formatMoney({ value: available, currency: req.amount.currency })})`, { order });
      }
    }
    const handle = await this.startRefund(orderId, req);
    const outcome = await withTimeout(
      handle.result().catch((err: unknown) => {
        // Refused by the payment's own figures before anything was sent: a conflict, and the id stays free.
        if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure && err.cause.type === FAILURE_TYPES.refundNotPossible) {
          throw new OrderCommandError('order_conflict', err.cause.message, { order });
        }
        throw err;
      }),
      this.opts.commandTimeoutMs,
    );
    if (outcome === TIMED_OUT) {
      const refund = await handle.query(getRefundQuery).catch(() => undefined);
      return { order: refund ? withRefund(order, refund) : order, complete: false };
    }
    if (outcome.refund.amount.value !== req.amount.value) {
      throw new OrderCommandError('order_conflict', `refund ${req.refundId} already exists with another amount`, { order: withRefund(order, outcome.refund) });
    }
    const view = withRefund(order, outcome.refund);
    if (outcome.refund.status === 'REFUND_FAILED') {
      throw new OrderCommandError('vipps_rejected', outcome.refund.error?.message ?? 'Vipps refused the refund', { vipps: outcome.refund.error as OrderError, order: view });
    }
    return { order: view, complete: true };
  }

  private async startRefund(orderId: string, req: RefundRequest): Promise<WorkflowHandle<typeof refundWorkflow>> {
    try {
      return await this.opts.client.workflow.start<typeof refundWorkflow>('refundWorkflow', {
        workflowId: refundWorkflowIdFor(orderId, req.refundId),
        taskQueue: this.opts.taskQueue,
        args: [{ orderId, refundId: req.refundId, amount: req.amount, policy: this.opts.policy }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // A refund refused before anything was sent fails its run, which frees the id again.
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        typedSearchAttributes: [
          { key: VippsReference, value: orderId },
          { key: OrderAmountMinor, value: req.amount.value },
        ],
        staticSummary: `Refund ${req.refundId} of order ${orderId}: ${formatMoney(req.amount)}`,
      });
    } catch (err) {
      // Done before (a repeat): its result is the answer.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return this.opts.client.workflow.getHandle(refundWorkflowIdFor(orderId, req.refundId));
      throw await this.mapError(err, orderId);
    }
  }

  async retryCapture(orderId: string): Promise<CommandResult> {
    return this.command(orderId, (h) => h.startUpdate(retryCaptureUpdate, { args: [], waitForStage: 'ACCEPTED' }));
  }

  /**
   * Operator command: an over-capture, a capture shortfall or an outside change is explained; the
   * amount is recorded with the reason and the alert ends (409 when the order has no such alert).
   */
  async acknowledge(orderId: string, raw: unknown): Promise<CommandResult> {
    const req = parse(AcknowledgeRequest, raw);
    return this.command(orderId, (h) => h.startUpdate(acknowledgeUpdate, { args: [req], waitForStage: 'ACCEPTED' }));
  }

  /**
   * The customer is back from Vipps. While the payment is pending this asks the order to look at
   * the payment once and waits up to `waitMs` for that look; otherwise nothing is sent.
   * Returns undefined when no such order exists.
   */
  async customerReturned(orderId: string, waitMs: number): Promise<OrderView | undefined> {
    let glance = await this.reads.glance(orderId);
    if (!glance) return undefined;
    if (!glance.running) return this.getOrder(orderId);
    // The webhook usually lands within a moment of the customer: watch the order's description
    // (free) for a little while before waking the order (a billed Update).
    const watchUntil = Date.now() + Math.min(RETURN_WATCH_MS, waitMs);
    while (glance.status === 'PENDING_PAYMENT' && Date.now() < watchUntil) {
      await new Promise((r) => setTimeout(r, 150));
      glance = (await this.reads.glance(orderId)) ?? glance;
    }
    if (isIn(FINAL_STATUSES, glance.status)) {
      // Settled (paid and captured, cancelled, or not paid): the workflow closes within moments and
      // its result says why; waiting for the result is free, unlike a Query.
      const settled = await withTimeout(this.reads.settledView(orderId), waitMs).catch((): typeof TIMED_OUT => TIMED_OUT);
      return settled === TIMED_OUT ? this.reads.summaryView(glance) : settled;
    }
    if (glance.status !== 'PENDING_PAYMENT') return this.reads.summaryView(glance);
    try {
      const update = await this.handle(orderId).startUpdate(customerReturnedUpdate, { args: [], waitForStage: 'ACCEPTED' });
      const view = await withTimeout(update.result(), Math.max(0, watchUntil + waitMs - Date.now()));
      if (view !== TIMED_OUT) return view;
      return this.reads.summaryView((await this.reads.glance(orderId)) ?? glance);
    } catch (err) {
      throw await this.mapError(err, orderId);
    }
  }

  /**
   * Wakes the order for a Vipps webhook. Returns false when no such order exists (or it is settled).
   * An event carrying one of our own keys is usually known already: it is passed on only while an
   * outcome is unresolved or a money call of the order is in flight (its answer may be slow or
   * lost, and the webhook is the fastest proof), so a normal capture's webhook costs no billed Signal. Bounded in time:
   * when Temporal is down the receiver must answer (503) before Vipps' 10-second timeout.
   */
  async notifyPaymentEvent(reference: string, event: PaymentEventSignal): Promise<'signalled' | 'not-needed' | 'unknown-order'> {
    try {
      return await this.opts.client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, async () => {
        if (event.name === 'CREATED') return 'not-needed';
        const glance = await this.reads.glance(reference);
        const ours = looksLikeOurKey(reference, event.idempotencyKey);
        // A settled order's own keys are its refunds after settlement: each refund workflow proves its outcome itself.
        if (glance && !glance.running && ours) return 'not-needed';
        if (!glance?.running) return 'unknown-order';
        if (ours && !glance.alerts.includes('OUTCOME_UNKNOWN') && !(await this.moneyCallInFlight(reference))) return 'not-needed';
        if (event.name === 'AUTHORIZED' && isIn(PAST_AUTHORIZATION_STATUSES, glance.status)) return 'not-needed';
        // The receipt time moves the order's clock (src/workflows/decisionClock.ts).
        const receivedAt = await (this.opts.now ?? Date.now)();
        await this.handle(reference).signal(paymentEventSignal, { ...event, receivedAt });
        return 'signalled';
      });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'unknown-order';
      throw await this.mapError(err, reference);
    }
  }

  /**
   * Recent orders from Temporal visibility (eventually consistent; for the demo merchant page).
   * No ORDER BY: SQL visibility (the dev server, PostgreSQL) refuses it; it returns newest first anyway.
   */
  async listRecentOrders(limit = 50): Promise<OrderSummary[]> {
    const out: OrderSummary[] = [];
    for await (const wf of this.opts.client.workflow.list({ query: `WorkflowType = 'orderWorkflow' AND TaskQueue = '${this.opts.taskQueue}'` })) {
      const sa = wf.typedSearchAttributes;
      const amount = sa.get(OrderAmountMinor);
      out.push({
        orderId: sa.get(VippsReference) ?? wf.workflowId.replace(/^order-/, ''),
        workflowId: wf.workflowId,
        status: sa.get(OrderStatusAttribute) ?? 'UNKNOWN',
        alerts: sa.get(OrderAlerts) ?? [],
        ...(amount !== undefined && { amountMinor: amount }),
        startedAt: wf.startTime.toISOString(),
        closed: wf.status.name !== 'RUNNING',
      });
      if (out.length >= limit) break;
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /**
   * Whether the order has a money call (or the event-log look after one) running now, from the
   * workflow's description: its pending activities. No Query, so no worker is asked and nothing is billed.
   */
  private async moneyCallInFlight(orderId: string): Promise<boolean> {
    const d = await this.handle(orderId).describe();
    return (d.raw.pendingActivities ?? []).some((a) => MONEY_ACTIVITIES.has(a.activityType?.name ?? ''));
  }

  private handle(orderId: string): WorkflowHandle<typeof orderWorkflow> {
    return this.opts.client.workflow.getHandle<typeof orderWorkflow>(workflowIdFor(orderId));
  }

  private async command(
    orderId: string,
    send: (h: WorkflowHandle<typeof orderWorkflow>) => Promise<{ result(): Promise<OrderView> }>,
  ): Promise<CommandResult> {
    try {
      const update = await send(this.handle(orderId));
      const result = await withTimeout(update.result(), this.opts.commandTimeoutMs);
      if (result === TIMED_OUT) return { order: await this.getOrder(orderId), complete: false };
      return { order: result, complete: true };
    } catch (err) {
      throw await this.mapError(err, orderId);
    }
  }

  private async viewIfAvailable(orderId: string): Promise<OrderView | undefined> {
    try {
      return await this.reads.view(orderId);
    } catch {
      return undefined;
    }
  }

  /** Translates Temporal errors into the order API's errors; unknown ones pass through. */
  private async mapError(err: unknown, orderId: string): Promise<unknown> {
    if (err instanceof OrderCommandError) return err;
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const failure = err.cause;
      switch (failure.type) {
        case FAILURE_TYPES.invalidState:
          return new OrderCommandError('order_conflict', failure.message, { order: await this.viewIfAvailable(orderId) });
        case FAILURE_TYPES.invalidCommand:
          return new OrderCommandError('invalid_command', failure.message, { issues: issuesFromMessage(failure.message) });
        case FAILURE_TYPES.vippsRejected:
          return new OrderCommandError('vipps_rejected', failure.message, {
            vipps: failure.details?.[0] as OrderError,
            order: await this.viewIfAvailable(orderId),
          });
        case FAILURE_TYPES.paymentCreateFailed: {
          // Refused by Vipps (a definite 4xx): the caller's to fix, like other refusals. 502 only when Vipps did not answer.
          const vipps = failure.details?.[0] as OrderError | undefined;
          return new OrderCommandError(isRefusal(vipps) ? 'vipps_rejected' : 'payment_create_failed', failure.message, vipps ? { vipps } : {});
        }
      }
    }
    if (err instanceof WorkflowUpdateFailedError && endedUnderCommand(err.cause)) {
      // Accepted, then the run ended (a workflow cancellation from the UI or CLI) before it answered.
      return new OrderCommandError('order_conflict', `order ${orderId} was ended by a workflow cancellation while this command ran; the order view shows what happened to it`, {
        order: await this.viewIfAvailable(orderId),
      });
    }
    if (err instanceof WorkflowNotFoundError) {
      // Updates to a closed workflow also land here: tell "closed" apart from "never existed".
      const glance = await this.reads.glance(orderId).catch(() => undefined);
      if (glance) return new OrderCommandError('order_conflict', `order ${orderId} is settled (${glance.status}); it takes no more commands except refunds`, { order: await this.viewIfAvailable(orderId) });
      return new OrderCommandError('order_not_found', `order ${orderId} does not exist`);
    }
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      return new OrderCommandError('still_processing', 'the order did not answer in time; repeat the request', {}, { cause: err });
    }
    if (isUnavailable(err)) return new OrderCommandError('temporal_unavailable', 'Temporal is not reachable', {}, { cause: err });
    return err;
  }
}

function withRefund(order: OrderView, refund: RefundOutcome['refund']): OrderView {
  const refunds = order.refunds.filter((r) => r.refundId !== refund.refundId);
  const refunded = order.payment.aggregate.refunded + (refund.status === 'REFUNDED' && !order.refunds.some((r) => r.refundId === refund.refundId && r.status === 'REFUNDED') ? refund.amount.value : 0);
  return { ...order, refunds: [...refunds, refund], payment: { ...order.payment, aggregate: { ...order.payment.aggregate, refunded } } };
}

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error).map((d) => ({ field: d.name, reason: d.reason }));
  throw new OrderCommandError('invalid_command', issues.map((i) => `${i.field}: ${i.reason}`).join('; '), { issues });
}

/**
 * The server's failure for an Update whose workflow closed before it completed, or a handler cut off
 * by the workflow's cancellation (histories from before 'updates-outlive-cancellation').
 */
function endedUnderCommand(cause: unknown): boolean {
  return cause instanceof CancelledFailure || (cause instanceof ApplicationFailure && cause.type === 'AcceptedUpdateCompletedWorkflow');
}

/** gRPC status codes (grpc/status.h); spelled out to avoid depending on @grpc/grpc-js directly. */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (isGrpcServiceError(e) && (Number(e.code) === GRPC_UNAVAILABLE || Number(e.code) === GRPC_DEADLINE_EXCEEDED)) return true;
    if (/connect|ECONNREFUSED|transport/i.test(e.message) && e.name !== 'OrderCommandError') return true;
  }
  return false;
}

const TIMED_OUT = Symbol('timed out');
/** Activities whose result a webhook with our key can prove before they answer. */
const MONEY_ACTIVITIES: ReadonlySet<string> = new Set(['capturePayment', 'cancelPayment', 'refundPayment', 'getPaymentEvents']);
const SIGNAL_DEADLINE_MS = 5_000;
/** How long the return page watches for the webhook's authorization before it wakes the order itself. */
const RETURN_WATCH_MS = 1_500;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Text as itself in markdown: on one line, every markup character escaped (ids and names are the shop's). */
function markdownText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** Markdown shown in the Temporal UI: order lines and amounts, never customer data. */
function staticDetails(req: PlaceOrderRequest): string {
  const rows = req.orderLines.map((l) => `| ${markdownText(l.id)} | ${markdownText(l.name)} | ${formatMoney({ value: l.totalAmount, currency: req.amount.currency })} |`);
  return [`**Vipps reference:** ${req.orderId}`, '', '| Line | Name | Total |', '|---|---|---|', ...rows].join('\n');
}
