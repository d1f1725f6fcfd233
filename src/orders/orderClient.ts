import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { z } from 'zod';
import { describeIssues, formatIssues } from '@vipps-orders/vipps';
import type { PiiSealer } from '../security/piiSealing';
import {
  CancelRequest,
  FAILURE_TYPES,
  PlaceOrderRequest,
  RefundRequest,
  ShipRequest,
  cancelUpdate,
  customerReturnedSignal,
  getOrderQuery,
  paymentEventSignal,
  placeOrderUpdate,
  refundUpdate,
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
} from '../workflows/messages';
import { formatMoney } from '../workflows/money';
import type { orderWorkflow } from '../workflows/orderWorkflow';
import { OrderAmountMinor, OrderStatus, VippsReference } from '../workflows/searchAttributes';
import { OrderCommandError } from './errors';
import { requestFingerprint } from './fingerprint';

export interface OrderClientOptions {
  client: Client;
  taskQueue: string;
  policy: OrderPolicy;
  /** Seals the customer's phone; its secret also keys request fingerprints. */
  sealer: PiiSealer;
  fingerprintSecret: string;
  /** The page Vipps sends the customer back to (this service's return page). */
  returnUrlFor: (orderId: string) => string;
  /** How long a command waits for the workflow's answer before the caller gets "still processing". */
  commandTimeoutMs: number;
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
  amountMinor?: number;
  startedAt: string;
  closed: boolean;
}

/**
 * Places and drives orders through Temporal. Used by the HTTP API, the starter CLI and the demo.
 * Inputs are parsed by zod here, so every caller gets the same errors naming the field.
 */
export class OrderClient {
  constructor(private readonly opts: OrderClientOptions) {}

  get temporal(): Client {
    return this.opts.client;
  }

  /** Creates the order (or joins the same one) and returns as soon as Vipps has given the redirect URL. */
  async placeOrder(raw: unknown): Promise<PlaceOrderResult> {
    const req = parse(PlaceOrderRequest, raw);
    const workflowId = workflowIdFor(req.orderId);
    const input: OrderWorkflowInput = {
      orderId: req.orderId,
      amount: req.amount,
      description: req.description,
      orderLines: req.orderLines,
      returnUrl: this.opts.returnUrlFor(req.orderId),
      requestFingerprint: requestFingerprint(this.opts.fingerprintSecret, req),
      policy: this.opts.policy,
      ...(req.returnUrl && { shopReturnUrl: req.returnUrl }),
      ...(req.customer && { sealedCustomerPhone: this.opts.sealer.seal(req.customer.phoneNumber) }),
    };
    const start = new WithStartWorkflowOperation<typeof orderWorkflow>('orderWorkflow', {
      workflowId,
      taskQueue: this.opts.taskQueue,
      args: [input],
      // A retried POST joins the running order; an order id is never used for a second payment.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: OrderStatus, value: 'PENDING_PAYMENT' satisfies OrderStatusValue },
        { key: VippsReference, value: req.orderId },
        { key: OrderAmountMinor, value: req.amount.value },
      ],
      staticSummary: `Order ${req.orderId}: ${formatMoney(req.amount)}`,
      staticDetails: staticDetails(req),
    });
    try {
      const update = await this.opts.client.workflow.startUpdateWithStart(placeOrderUpdate, {
        args: [{ requestFingerprint: input.requestFingerprint }],
        startWorkflowOperation: start,
        waitForStage: 'ACCEPTED',
      });
      const result = await withTimeout(update.result(), this.opts.commandTimeoutMs);
      if (result === TIMED_OUT) {
        throw new OrderCommandError('still_processing', 'the payment is not created yet; repeat the same request to get the redirect URL');
      }
      return result;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw new OrderCommandError('order_conflict', `order ${req.orderId} already exists and is closed`, { order: await this.viewIfAvailable(req.orderId) });
      }
      throw await this.mapError(err, req.orderId);
    }
  }

  async getOrder(orderId: string): Promise<OrderView> {
    try {
      return await this.handle(orderId).query(getOrderQuery);
    } catch (err) {
      throw await this.mapError(err, orderId);
    }
  }

  async ship(orderId: string, raw: unknown): Promise<CommandResult> {
    const req = parse(ShipRequest, raw);
    // The update id derives from the shipment id, so a retried call is deduplicated by Temporal.
    return this.command(orderId, (h) => h.startUpdate(shipUpdate, { args: [req], updateId: `ship:${req.shipmentId}`, waitForStage: 'ACCEPTED' }));
  }

  async cancel(orderId: string, raw: unknown, requestId?: string): Promise<CommandResult> {
    const req = parse(CancelRequest, raw ?? {});
    return this.command(orderId, (h) =>
      h.startUpdate(cancelUpdate, { args: [req], waitForStage: 'ACCEPTED', ...(requestId && { updateId: `cancel:${requestId}` }) }),
    );
  }

  async refund(orderId: string, raw: unknown): Promise<CommandResult> {
    const req = parse(RefundRequest, raw);
    return this.command(orderId, (h) => h.startUpdate(refundUpdate, { args: [req], updateId: `refund:${req.refundId}`, waitForStage: 'ACCEPTED' }));
  }

  async retryCapture(orderId: string): Promise<CommandResult> {
    return this.command(orderId, (h) => h.startUpdate(retryCaptureUpdate, { args: [], waitForStage: 'ACCEPTED' }));
  }

  /**
   * Wakes the order for a Vipps webhook. Returns false when no such order exists. Bounded in time:
   * when Temporal is down the receiver must answer (503) before Vipps' 10-second timeout.
   */
  async notifyPaymentEvent(reference: string, event: PaymentEventSignal): Promise<boolean> {
    try {
      await this.opts.client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => this.handle(reference).signal(paymentEventSignal, event));
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw await this.mapError(err, reference);
    }
  }

  /** Wakes the order because the customer came back from Vipps. Returns false when no such order exists. */
  async notifyCustomerReturned(orderId: string): Promise<boolean> {
    try {
      await this.opts.client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => this.handle(orderId).signal(customerReturnedSignal));
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw await this.mapError(err, orderId);
    }
  }

  /** Polls the order view until `done` holds or the time is up; returns the last view. */
  async waitForOrder(orderId: string, done: (view: OrderView) => boolean, timeoutMs: number, intervalMs = 200): Promise<OrderView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.getOrder(orderId);
      if (done(view) || Date.now() >= deadline) return view;
      await new Promise((r) => setTimeout(r, intervalMs));
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
        status: sa.get(OrderStatus) ?? 'UNKNOWN',
        ...(amount !== undefined && { amountMinor: amount }),
        startedAt: wf.startTime.toISOString(),
        closed: wf.status.name !== 'RUNNING',
      });
      if (out.length >= limit) break;
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
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
      return await this.handle(orderId).query(getOrderQuery);
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
          return new OrderCommandError('invalid_command', failure.message);
        case FAILURE_TYPES.vippsRejected:
          return new OrderCommandError('vipps_rejected', failure.message, {
            vipps: failure.details?.[0] as OrderError,
            order: await this.viewIfAvailable(orderId),
          });
        case FAILURE_TYPES.paymentCreateFailed:
          return new OrderCommandError('payment_create_failed', failure.message, { vipps: failure.details?.[0] as OrderError });
      }
    }
    if (err instanceof WorkflowNotFoundError) {
      // Updates to a closed workflow also land here: tell "closed" apart from "never existed".
      const view = await this.viewIfAvailable(orderId);
      if (view) return new OrderCommandError('order_conflict', `order ${orderId} is closed (${view.status})`, { order: view });
      return new OrderCommandError('order_not_found', `order ${orderId} does not exist`);
    }
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      return new OrderCommandError('still_processing', 'the order did not answer in time; repeat the request', {}, { cause: err });
    }
    if (isUnavailable(err)) return new OrderCommandError('temporal_unavailable', 'Temporal is not reachable', {}, { cause: err });
    return err;
  }
}

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error).map((d) => ({ field: d.name, reason: d.reason }));
  throw new OrderCommandError('invalid_command', formatIssues(parsed.error), { issues });
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
const SIGNAL_DEADLINE_MS = 5_000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Markdown shown in the Temporal UI: order lines and amounts, never customer data. */
function staticDetails(req: PlaceOrderRequest): string {
  const rows = req.orderLines.map((l) => `| ${l.id} | ${l.name.replace(/\|/g, '/')} | ${formatMoney({ value: l.totalAmount, currency: req.amount.currency })} |`);
  return [`**Vipps reference:** ${req.orderId}`, '', '| Line | Name | Total |', '|---|---|---|', ...rows].join('\n');
}
