import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { SalesUnit } from '@vipps-orders/vipps/sales-units';
import {
  AcknowledgeRequest,
  CancelRequest,
  acknowledgeUpdate,
  RefundRequest,
  ShipRequest,
  cancelUpdate,
  placeOrderUpdate,
  refundUpdate,
  retryCaptureUpdate,
  shipUpdate,
  type OrderView,
  type PaymentEventSignal,
  type PlaceOrderResult,
} from '../workflows/messages';
import type { orderWorkflow } from '../workflows/orderWorkflow';
import type { SalesUnits } from '../salesUnits/unitConfig';
import type { CommandResult, OrderClientOptions } from './clientOptions';
import { customerReturned } from './commands/customerReturn';
import { OrderCommandError } from './errors';
import { commandUpdateId } from './start/fingerprint';
import type { OrderAccess } from './commands/orderAccess';
import { listRecentOrders, type OrderSummary } from './orderList';
import { OrderReader, type OrderGlance } from './orderReads';
import { orderWorkflowId, unitFilter, type OrderScope } from './orderScope';
import { orderStartFor } from './start/orderStart';
import { notifyPaymentEvent } from './commands/paymentEvents';
import { placeOrderRequestFor } from './placeOrderRequest';
import { refundAfterSettlement } from './commands/refundAfterSettlement';
import { orderErrorFor } from './temporalErrors';
import { invalidUnit, policyFor } from './start/unitRules';
import { TIMED_OUT, parseCommand as parse, withTimeout } from './waiting';

export type { CommandResult, OrderClientOptions } from './clientOptions';
export type { OrderSummary } from './orderList';

/**
 * Places and drives orders through Temporal. Used by the HTTP API, the starter CLI and the demo.
 * Inputs are parsed by zod here, so every caller gets the same errors naming the field.
 */
export class OrderClient {
  readonly reads: OrderReader;
  private readonly scope: OrderScope;
  private readonly byUnit = new Map<string, OrderClient>();

  constructor(private readonly opts: OrderClientOptions) {
    const unit = opts.unit ?? opts.units?.registry.implicit;
    this.scope = { ...(unit && { unit }), named: opts.units?.fromFile ?? false };
    this.reads = new OrderReader(opts.client, this.scope);
  }

  /** The units of this service (SALES_UNITS_FILE, or the one of VIPPS_* variables). */
  get units(): SalesUnits | undefined {
    return this.opts.units;
  }

  /** The sales unit this client's orders belong to; undefined on a service of several units until `forUnit`. */
  get salesUnit(): SalesUnit | undefined {
    return this.scope.unit;
  }

  /**
   * The client for one sales unit's orders (`dk`, `no-web`, …): the same order id on two units is
   * two orders. An unknown name is an OrderCommandError naming `salesUnit`.
   */
  forUnit(name: string): OrderClient {
    if (this.scope.unit?.name === name) return this;
    const cached = this.byUnit.get(name);
    if (cached) return cached;
    const unit = this.opts.units?.registry.get(name);
    if (!unit) {
      const known = this.opts.units?.registry.names() ?? [];
      const reason = `unknown sales unit "${name}" (this service has ${known.join(', ') || 'one unnamed unit'})`;
      throw new OrderCommandError('order_not_found', `salesUnit: ${reason}`, { issues: [{ field: 'salesUnit', reason }] });
    }
    const client = new OrderClient({ ...this.opts, unit, policy: policyFor(unit, this.opts.policy), currency: unit.currency ?? this.opts.currency });
    this.byUnit.set(name, client);
    return client;
  }

  private withUnit(placed: PlaceOrderResult): PlaceOrderResult {
    return this.scope.named && this.scope.unit ? { ...placed, salesUnit: this.scope.unit.name } : placed;
  }

  /** The workflow id of this client's order `orderId` (for logs and links). */
  workflowId(orderId: string): string {
    return orderWorkflowId(this.scope, orderId);
  }

  private wid(orderId: string): string {
    return this.workflowId(orderId);
  }

  get temporal(): Client {
    return this.opts.client;
  }

  /** Creates the order (or joins the same one) and returns as soon as Vipps has given the redirect URL. */
  async placeOrder(raw: unknown): Promise<PlaceOrderResult> {
    const named = (raw as { salesUnit?: unknown } | null)?.salesUnit;
    if (named !== undefined && this.opts.units && (typeof named !== 'string' || named !== this.scope.unit?.name)) {
      if (typeof named !== 'string') throw invalidUnit('must be the name of a sales unit');
      let unitClient: OrderClient;
      try {
        unitClient = this.forUnit(named);
      } catch (err) {
        throw err instanceof OrderCommandError ? invalidUnit(err.message.replace(/^salesUnit: /, '')) : err;
      }
      return unitClient.placeOrder(raw);
    }
    const unit = this.scope.unit;
    if (!unit && this.opts.units) throw invalidUnit(`is required: this service has several sales units (${this.opts.units.registry.names().join(', ')})`);
    const rules = unit && this.scope.named ? { currency: unit.currency ?? 'NOK', salesUnit: unit.name, minimumAmount: unit.minimumAmount, ...(unit.market && { market: unit.market }) } : (this.opts.currency ?? 'NOK');
    const req = parse(placeOrderRequestFor(rules), raw);
    const { fingerprint, start } = orderStartFor(req, this.opts, this.scope);
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
      return this.withUnit(result);
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
      return this.withUnit({ orderId, workflowId: this.wid(orderId), redirectUrl: view.payment.redirectUrl });
    }
    throw new OrderCommandError('order_conflict', `order ${orderId} already exists (${view?.status ?? 'closed'}) with other content`, view ? { order: view } : {});
  }

  /** The order view, without asking its worker; `live` asks a running order itself (one Query). */
  async getOrder(orderId: string, opts: { live?: boolean } = {}): Promise<OrderView> {
    try {
      const view = await this.reads.view(orderId, opts);
      // Only money that was captured is ever paid out: no look for the others.
      const settlement = view.payment.aggregate.captured > 0 ? await this.reads.settlement(orderId) : undefined;
      return settlement ? { ...view, settlement } : view;
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
        await this.opts.client.workflow.getHandle(this.wid(orderId)).result().catch(() => undefined);
      }
    }
    return refundAfterSettlement(this.opts, this.scope, this.reads, orderId, req);
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
   * The customer is back from Vipps: while the payment is pending, the order looks at it once
   * (src/orders/customerReturn.ts). Undefined when no such order exists.
   */
  customerReturned(orderId: string, waitMs: number): Promise<OrderView | undefined> {
    return customerReturned(this.access(), orderId, waitMs);
  }

  /** Wakes the order for a Vipps webhook when it needs it (src/orders/paymentEvents.ts). */
  notifyPaymentEvent(reference: string, event: PaymentEventSignal): Promise<'signalled' | 'not-needed' | 'unknown-order'> {
    return notifyPaymentEvent(this.access(), reference, event, this.opts.now ?? Date.now);
  }

  /**
   * Recent orders from Temporal visibility (eventually consistent; for the demo merchant page): of
   * every unit, or of `salesUnit` only (an unknown name is an OrderCommandError naming `salesUnit`).
   */
  async listRecentOrders(limit = 50, opts: { salesUnit?: string } = {}): Promise<OrderSummary[]> {
    const filter = opts.salesUnit === undefined ? '' : unitFilter(this.forUnit(opts.salesUnit).scope);
    return listRecentOrders(this.opts.client, this.opts.taskQueue, limit, filter);
  }

  private access(): OrderAccess {
    return { client: this.opts.client, reads: this.reads, handle: (id) => this.handle(id), getOrder: (id) => this.getOrder(id), mapError: (err, id) => this.mapError(err, id) };
  }

  private handle(orderId: string): WorkflowHandle<typeof orderWorkflow> {
    return this.opts.client.workflow.getHandle<typeof orderWorkflow>(this.wid(orderId));
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

  private mapError(err: unknown, orderId: string): Promise<unknown> {
    return orderErrorFor(err, orderId, this.reads);
  }
}
