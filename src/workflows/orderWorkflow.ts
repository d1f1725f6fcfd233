/**
 * One Vipps MobilePay order, from payment creation to the end of its refund window.
 *
 * Money rules this code keeps (see docs/workflow.md):
 * - truth is getPayment: webhooks and the customer's return only wake the workflow up;
 * - money operations run one at a time from a queue, each with a deterministic idempotency key;
 * - nothing is captured before a shipment, never more than authorized − captured − cancelled;
 * - a capture that fails after shipment goes to an operator, never to an automatic cancel.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { PaymentSnapshot } from './activityContract';
import { describeFailure, parseCommand, vippsRejected } from './failures';
import {
  CancelRequest,
  FAILURE_TYPES,
  PaymentEventSignal,
  PlaceOrderUpdateArgs,
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
  type OrderStatus,
  type OrderWorkflowInput,
} from './messages';
import { formatMoney } from './money';
import { moneyActivities, paymentActivities, receiptActivities } from './orderActivities';
import { OrderState } from './orderState';
import { CaptureDeadline, OrderAlerts, OrderStatus as OrderStatusKey } from './searchAttributes';

export interface OrderOutcome {
  orderId: string;
  status: OrderStatus;
  captured: number;
  refunded: number;
  failureReason?: string;
}

type Command =
  | { kind: 'capture'; shipmentId: string }
  | { kind: 'cancel' }
  | { kind: 'refund'; refundId: string }
  | { kind: 'retryCapture'; done: { value: boolean } };

type TimedEvent = { at: number; kind: 'warn' | 'deadline' | 'close' };

/**
 * Changes that alter the commands an already running order would issue. Each stays until no
 * order started before it is open (see docs/workflow.md, "Changing the workflow safely").
 */
const PATCHES = {
  /** 2026-11: a payment unknown to Vipps after its expiry ends the order (it used to be polled forever). */
  notFoundEndsOrder: 'payment-not-found-ends-order',
  /** 2026-11: after the expiry, a failed self-cancel waits pollMaxMs before the next attempt. */
  waitAfterExpiry: 'wait-between-attempts-after-expiry',
  /** 2026-11: a failed release at the capture deadline (cancel policy) goes to an operator. */
  failedDeadlineReleaseHolds: 'failed-deadline-release-holds',
  /** 2026-11: the cancel policy never releases money of a shipment whose capture failed; it holds. */
  deadlineSparesFailedCaptures: 'deadline-spares-failed-captures',
} as const;

const FINAL_PAYMENT_REASONS = {
  ABORTED: 'the customer rejected the payment',
  EXPIRED: 'the payment expired before the customer approved it',
  TERMINATED: 'the payment was cancelled before it was authorized',
} as const;

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderOutcome> {
  const { policy } = input;
  const reference = input.orderId;
  const order = new OrderState(input, workflowInfo().workflowId, () => Date.now());
  const queue: Command[] = [];
  let wakeReason: string | undefined;
  let flushedVersion = 0;
  let cancelAttempts = 0;
  const captureAttempts = new Map<string, number>();

  // ---- operator view -----------------------------------------------------------------------------

  /** One search-attribute upsert per step, and only when something operators filter on changed. */
  function flush(): void {
    if (order.searchAttributesVersion !== flushedVersion) {
      flushedVersion = order.searchAttributesVersion;
      upsertSearchAttributes([
        { key: OrderStatusKey, value: order.status },
        { key: OrderAlerts, value: [...order.alerts].sort() },
        ...(order.captureDeadline !== undefined ? [{ key: CaptureDeadline, value: new Date(order.captureDeadline) }] : []),
      ]);
    }
    const lines = [
      `**Status:** ${order.status}`,
      `**Waiting for:** ${order.waitingFor}`,
      `**Captured:** ${formatMoney(order.money(order.aggregate.captured))} of ${formatMoney(input.amount)}` +
        (order.aggregate.refunded ? `, refunded ${formatMoney(order.money(order.aggregate.refunded))}` : ''),
    ];
    if (order.captureDeadline !== undefined) lines.push(`**Capture deadline:** ${new Date(order.captureDeadline).toISOString()} (${order.captureDeadlineSource})`);
    if (order.alerts.size) lines.push(`**Alerts:** ${[...order.alerts].join(', ')}`);
    if (order.lastError) lines.push(`**Last error:** ${order.lastError.step}: ${order.lastError.message}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  function waitFor(text: string): void {
    order.waitingFor = text;
    flush();
  }

  // ---- handlers ----------------------------------------------------------------------------------

  setHandler(getOrderQuery, () => order.view());

  setHandler(paymentEventSignal, (raw) => {
    const parsed = PaymentEventSignal.safeParse(raw);
    if (!parsed.success || !order.noteWebhook(parsed.data)) return;
    const evt = parsed.data;
    if (order.status === 'PENDING_PAYMENT') {
      if (evt.name !== 'CREATED') wakeReason ??= `webhook ${evt.name}`;
    } else if (['CAPTURED', 'REFUNDED', 'CANCELLED'].includes(evt.name) && !evt.idempotencyKey?.startsWith(`${reference}.`)) {
      // Money moved by someone else (e.g. in the business portal): re-read the payment.
      order.reconcileRequested = true;
    }
  });

  setHandler(customerReturnedSignal, () => {
    order.note('customer returned');
    if (order.status === 'PENDING_PAYMENT') wakeReason ??= 'customer returned';
  });

  setHandler(
    placeOrderUpdate,
    async () => {
      await condition(() => order.redirectUrl !== undefined || order.createFailure !== undefined);
      if (order.createFailure) {
        throw ApplicationFailure.create({
          type: FAILURE_TYPES.paymentCreateFailed,
          message: order.createFailure.message,
          nonRetryable: true,
          details: [order.createFailure],
        });
      }
      return { orderId: input.orderId, workflowId: order.workflowId, redirectUrl: order.redirectUrl! };
    },
    {
      validator: (args) => {
        const { requestFingerprint } = parseCommand(PlaceOrderUpdateArgs, args);
        if (requestFingerprint !== input.requestFingerprint) {
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.invalidState,
            message: `order ${input.orderId} already exists with different content`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  setHandler(
    shipUpdate,
    async (raw) => {
      const req = parseCommand(ShipRequest, raw);
      const isNew = !order.shipment(req.shipmentId);
      const shipment = order.addShipment(req);
      if (isNew) queue.push({ kind: 'capture', shipmentId: shipment.shipmentId });
      await condition(() => shipment.status !== 'CAPTURING');
      return order.view();
    },
    { validator: (raw) => order.checkShip(parseCommand(ShipRequest, raw)) },
  );

  setHandler(
    cancelUpdate,
    async (raw) => {
      const req = parseCommand(CancelRequest, raw);
      if (order.cancel?.status !== 'REQUESTED') {
        order.cancel = { status: 'REQUESTED', ...(req.reason && { reason: req.reason }) };
        order.note('cancel requested', req.reason);
        // While the payment is pending, the authorization loop handles the cancel itself.
        if (order.status !== 'PENDING_PAYMENT') queue.push({ kind: 'cancel' });
      }
      const record = order.cancel;
      await condition(() => record.status !== 'REQUESTED');
      if (record.status === 'FAILED') throw vippsRejected(record.error!);
      return order.view();
    },
    {
      validator: (raw) => {
        parseCommand(CancelRequest, raw);
        order.checkCancel();
      },
    },
  );

  setHandler(
    refundUpdate,
    async (raw) => {
      const req = parseCommand(RefundRequest, raw);
      const isNew = !order.refund(req.refundId);
      const refund = order.addRefund(req);
      if (isNew) queue.push({ kind: 'refund', refundId: refund.refundId });
      await condition(() => refund.status !== 'REFUNDING');
      if (refund.status === 'REFUND_FAILED') throw vippsRejected(refund.error!);
      return order.view();
    },
    { validator: (raw) => order.checkRefund(parseCommand(RefundRequest, raw)) },
  );

  setHandler(
    retryCaptureUpdate,
    async () => {
      const done = { value: false };
      queue.push({ kind: 'retryCapture', done });
      await condition(() => done.value);
      return order.view();
    },
    {
      validator: () => {
        if (!order.shipments.some((s) => s.status === 'CAPTURE_FAILED') && !order.alerts.has('CAPTURE_UNCONFIRMED')) {
          throw ApplicationFailure.create({ type: FAILURE_TYPES.invalidState, message: 'no failed capture to retry', nonRetryable: true });
        }
      },
    },
  );

  // ---- payment creation and authorization ------------------------------------------------------

  async function createPayment(): Promise<boolean> {
    try {
      const { redirectUrl } = await paymentActivities.createPayment.executeWithOptions(
        { summary: `Create Vipps payment of ${formatMoney(input.amount)}` },
        [
          {
            reference,
            sequence: '1',
            amount: input.amount,
            description: input.description,
            returnUrl: input.returnUrl,
            ...(input.sealedCustomerPhone && { sealedCustomerPhone: input.sealedCustomerPhone }),
          },
        ],
      );
      order.redirectUrl = redirectUrl;
      order.paymentState = 'CREATED';
      order.note('payment created');
      return true;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const error = describeFailure('createPayment', err, order.now());
      order.createFailure = error;
      order.recordError(error);
      order.failureReason = `the payment could not be created: ${error.message}`;
      order.setStatus('PAYMENT_FAILED');
      return false;
    }
  }

  async function readPayment(why: string): Promise<PaymentSnapshot | undefined> {
    try {
      return await paymentActivities.getPayment.executeWithOptions({ summary: `Check payment (${why})` }, [reference]);
    } catch (err) {
      if (isCancellation(err)) throw err;
      order.recordError(describeFailure('getPayment', err, order.now()));
      return undefined;
    }
  }

  function onAuthorized(p: PaymentSnapshot): true {
    order.setAuthorized(p, policy.captureDeadlineFallbackMs);
    order.setStatus('AWAITING_SHIPMENT');
    return true;
  }

  function onNotPaid(state: keyof typeof FINAL_PAYMENT_REASONS, reason?: string): false {
    order.failureReason = reason ?? FINAL_PAYMENT_REASONS[state];
    order.setStatus('PAYMENT_FAILED', order.failureReason);
    return false;
  }

  /** Cancels a payment that is not authorized; returns the snapshot, or 'authorized' when error 6060 says it was. */
  async function cancelUnauthorized(sequence: string): Promise<PaymentSnapshot | 'authorized' | undefined> {
    try {
      const result = await moneyActivities.cancelPayment.executeWithOptions({ summary: 'Cancel the unauthorized payment' }, [
        { reference, sequence, transactionOnly: true },
      ]);
      return result.outcome === 'already-authorized' ? 'authorized' : result.payment;
    } catch (err) {
      if (isCancellation(err)) throw err;
      order.recordError(describeFailure('cancelPayment', err, order.now()));
      return undefined;
    }
  }

  /** Waits for AUTHORIZED, ABORTED, EXPIRED or TERMINATED; true when the payment is authorized. */
  async function awaitAuthorization(): Promise<boolean> {
    const expiresAt = Date.now() + policy.paymentExpiryMs;
    const giveUpAt = expiresAt + policy.expiryGraceMs;
    let delay = policy.pollInitialMs;
    let expireAttempts = 0;
    waitFor(`the customer to approve the payment (it expires at ${new Date(expiresAt).toISOString()})`);
    for (;;) {
      const cancelRequested = () => order.cancel?.status === 'REQUESTED';
      const remaining = giveUpAt - Date.now();
      // Past the expiry (a self-cancel failed) keep waiting between attempts, never spin.
      const wait = remaining > 0 ? Math.min(delay, remaining) : patched(PATCHES.waitAfterExpiry) ? delay : 0;
      const woke = wait > 0 && (await condition(() => wakeReason !== undefined || cancelRequested(), wait));
      if (cancelRequested()) {
        const outcome = await cancelPending();
        if (outcome === 'cancelled') return false;
        if (outcome === 'authorized') return true;
        continue;
      }

      const expired = Date.now() >= giveUpAt;
      const why = woke ? wakeReason! : expired ? 'expiry' : 'polling';
      wakeReason = undefined;
      const payment = await readPayment(why);
      if (payment) {
        order.applyPayment(payment);
        if (payment.state === 'AUTHORIZED') return onAuthorized(payment);
        if (payment.state !== 'CREATED') return onNotPaid(payment.state);
      }
      if (expired) {
        // Past its expiry Vipps says the payment does not exist (404, e.g. created under other
        // credentials): nothing can be reserved, so end the order rather than poll forever.
        if (!payment && order.lastError?.step === 'getPayment' && order.lastError.status === 404 && patched(PATCHES.notFoundEndsOrder)) {
          return onNotPaid('ABORTED', 'Vipps does not know this payment (404); nothing was reserved');
        }
        // Vipps should have expired it by now; cancel it ourselves, but only if it is still unauthorized.
        // A refused cancel stays refused for its key, so each attempt gets a new one.
        const result = await cancelUnauthorized(`expire-${++expireAttempts}`);
        if (result === 'authorized') {
          const confirmed = await readPayment('authorized after expiry');
          if (confirmed?.state === 'AUTHORIZED') return onAuthorized(confirmed);
        } else if (result) {
          order.applyPayment(result);
          return onNotPaid('EXPIRED', 'no answer from the customer before the payment expired; it was cancelled');
        }
        delay = policy.pollMaxMs;
        continue;
      }
      if (!woke) delay = Math.min(delay * 2, policy.pollMaxMs);
    }
  }

  /**
   * The merchant cancels while the customer has not answered: cancel with cancelTransactionOnly.
   * If Vipps says it was authorized after all (6060), the order continues as authorized with the
   * cancel queued, so the order loop releases the reservation like any other cancel.
   */
  async function cancelPending(): Promise<'cancelled' | 'authorized' | 'failed'> {
    const record = order.cancel!;
    const result = await cancelUnauthorized(`cancel-${++cancelAttempts}`);
    if (result === 'authorized') {
      const confirmed = await readPayment('authorized while cancelling');
      if (confirmed?.state === 'AUTHORIZED') {
        onAuthorized(confirmed);
        queue.push({ kind: 'cancel' });
        return 'authorized';
      }
    } else if (result) {
      order.applyPayment(result);
      record.status = 'DONE';
      order.failureReason = record.reason ? `cancelled by the merchant: ${record.reason}` : 'cancelled by the merchant';
      order.setStatus('CANCELLED');
      return 'cancelled';
    }
    record.status = 'FAILED';
    record.error = order.lastError ?? { at: order.now(), step: 'cancelPayment', message: 'the payment could not be cancelled' };
    return 'failed';
  }

  // ---- after authorization ---------------------------------------------------------------------

  async function attachReceipt(): Promise<void> {
    try {
      const result = await receiptActivities.attachReceipt.executeWithOptions({ summary: 'Attach the receipt (Order Management)' }, [
        { reference, orderLines: input.orderLines, currency: input.amount.currency },
      ]);
      order.receipt = { status: 'ATTACHED' };
      order.note(result.outcome === 'already-attached' ? 'receipt was already attached' : 'receipt attached');
    } catch (err) {
      if (isCancellation(err)) throw err;
      const error = describeFailure('attachReceipt', err, order.now());
      order.receipt = { status: 'FAILED', error };
      order.recordError(error);
      order.addAlert('RECEIPT_FAILED');
    }
    flush();
  }

  async function capture(shipmentId: string, sequence: string): Promise<void> {
    const shipment = order.shipment(shipmentId)!;
    shipment.status = 'CAPTURING';
    const amount = shipment.amount;
    const fail = (message: string, extra: Partial<{ status: number; errorCode: number }> = {}) => {
      shipment.status = 'CAPTURE_FAILED';
      shipment.error = { at: order.now(), step: 'capturePayment', message, ...extra };
      order.recordError(shipment.error);
      order.addAlert('CAPTURE_FAILED');
    };
    if (amount.value > order.capturable()) {
      fail(`cannot capture ${formatMoney(amount)}: only ${formatMoney(order.money(order.capturable()))} is still reserved`);
      return;
    }
    const expected = order.aggregate.captured + amount.value;
    try {
      const after = await moneyActivities.capturePayment.executeWithOptions(
        { summary: `Capture ${formatMoney(amount)} for shipment ${shipmentId}` },
        [{ reference, sequence, amount }],
      );
      order.applyPayment(after);
      if (after.aggregate.captured < expected) {
        // The answer says OK but the aggregate does not show it: check once more before trusting either.
        const reread = await readPayment('confirm capture');
        if (reread) order.applyPayment(reread);
        if ((reread?.aggregate.captured ?? 0) < expected) {
          shipment.status = 'CAPTURE_FAILED';
          order.addAlert('CAPTURE_UNCONFIRMED');
          order.recordError({ at: order.now(), step: 'capturePayment', message: `captured amount is ${order.aggregate.captured}, expected at least ${expected}` });
          return;
        }
      }
      shipment.status = 'CAPTURED';
      shipment.capturedAt = order.now();
      delete shipment.error;
      order.note(`captured ${formatMoney(amount)}`, `shipment ${shipmentId}`);
    } catch (err) {
      if (isCancellation(err)) throw err;
      const error = describeFailure('capturePayment', err, order.now());
      fail(error.message, { ...(error.status !== undefined && { status: error.status }), ...(error.errorCode !== undefined && { errorCode: error.errorCode }) });
    }
  }

  /** Releases what is left of the reservation (Vipps cancel) and settles the order. */
  async function releaseRemainder(why: string): Promise<boolean> {
    const record = order.cancel;
    if (order.capturable() > 0) {
      try {
        const result = await moneyActivities.cancelPayment.executeWithOptions(
          { summary: `Release ${formatMoney(order.money(order.capturable()))} (${why})` },
          [{ reference, sequence: `release-${++cancelAttempts}`, transactionOnly: false }],
        );
        if (result.outcome === 'cancelled') order.applyPayment(result.payment);
      } catch (err) {
        if (isCancellation(err)) throw err;
        const error = describeFailure('cancelPayment', err, order.now());
        order.recordError(error);
        if (record?.status === 'REQUESTED') Object.assign(record, { status: 'FAILED', error });
        return false;
      }
      order.note('reservation released', why);
    }
    order.afterRelease();
    order.setStatus(order.settledStatus(), why);
    if (record?.status === 'REQUESTED') record.status = 'DONE';
    return true;
  }

  async function afterCapture(): Promise<void> {
    if (order.openLines().length === 0 && order.shipments.every((s) => s.status === 'CAPTURED') && order.capturable() > 0) {
      await releaseRemainder('everything is shipped');
      return;
    }
    order.setStatus(order.settledStatus());
  }

  async function refund(refundId: string): Promise<void> {
    const r = order.refund(refundId)!;
    try {
      const after = await moneyActivities.refundPayment.executeWithOptions({ summary: `Refund ${formatMoney(r.amount)} (${refundId})` }, [
        { reference, sequence: refundId, amount: r.amount },
      ]);
      order.applyPayment(after);
      r.status = 'REFUNDED';
      r.refundedAt = order.now();
      order.clearAlert('REFUND_FAILED');
      order.note(`refunded ${formatMoney(r.amount)}`, refundId);
    } catch (err) {
      if (isCancellation(err)) throw err;
      r.status = 'REFUND_FAILED';
      r.error = describeFailure('refundPayment', err, order.now());
      order.recordError(r.error);
      order.addAlert('REFUND_FAILED');
    }
  }

  async function retryFailedCaptures(): Promise<void> {
    const fresh = await readPayment('before retrying captures');
    if (fresh) order.applyPayment(fresh);
    order.clearAlert('CAPTURE_UNCONFIRMED');
    order.clearAlert('CAPTURE_FAILED');
    let capturedSoFar = order.shipments.filter((s) => s.status === 'CAPTURED').reduce((sum, s) => sum + s.amount.value, 0);
    for (const s of order.shipments.filter((x) => x.status === 'CAPTURE_FAILED')) {
      if (order.aggregate.captured >= capturedSoFar + s.amount.value) {
        // Vipps already shows this capture (an unconfirmed one went through, or it was done in the portal).
        s.status = 'CAPTURED';
        s.capturedAt = order.now();
        order.note(`capture confirmed on retry`, `shipment ${s.shipmentId}`);
      } else {
        const attempt = (captureAttempts.get(s.shipmentId) ?? 0) + 1;
        captureAttempts.set(s.shipmentId, attempt);
        // A refused capture stays refused for its key, so a retry needs a new one.
        await capture(s.shipmentId, `${s.shipmentId}-r${attempt}`);
      }
      if (s.status === 'CAPTURED') capturedSoFar += s.amount.value;
    }
    await afterCapture();
  }

  async function reconcile(): Promise<void> {
    order.reconcileRequested = false;
    const before = order.aggregate;
    const p = await readPayment('money moved outside this workflow');
    if (!p) return;
    order.applyPayment(p);
    if (JSON.stringify(before) !== JSON.stringify(p.aggregate)) {
      order.addAlert('EXTERNAL_CHANGE');
      order.note('payment changed outside this workflow', JSON.stringify(p.aggregate));
    }
  }

  async function run(command: Command): Promise<void> {
    switch (command.kind) {
      case 'capture':
        await capture(command.shipmentId, command.shipmentId);
        await afterCapture();
        return;
      case 'cancel':
        if (order.status === 'COMPLETED' || order.status === 'CANCELLED') {
          Object.assign(order.cancel!, { status: 'FAILED', error: { at: order.now(), step: 'cancel', message: `the order is already ${order.status}` } });
          return;
        }
        await releaseRemainder(order.cancel?.reason ? `cancelled: ${order.cancel.reason}` : 'cancelled by the merchant');
        return;
      case 'refund':
        await refund(command.refundId);
        return;
      case 'retryCapture':
        await retryFailedCaptures();
        command.done.value = true;
        return;
    }
  }

  /** Vipps releases the whole remainder at once, so it cannot spare the money of a shipped, uncaptured box. */
  function hasFailedCapture(): boolean {
    return order.shipments.some((s) => s.status === 'CAPTURE_FAILED');
  }

  function nextTimedEvent(): TimedEvent | undefined {
    const deadline = order.captureDeadline;
    if (order.openLines().length > 0 && deadline !== undefined && !order.alerts.has('CAPTURE_DEADLINE_PASSED')) {
      const warnAt = deadline - policy.captureDeadlineWarningMs;
      if (!order.deadlineWarned && Date.now() < deadline) return { at: warnAt, kind: 'warn' };
      return { at: deadline, kind: 'deadline' };
    }
    if ((order.status === 'COMPLETED' || order.status === 'CANCELLED') && order.closesAt !== undefined) return { at: order.closesAt, kind: 'close' };
    return undefined;
  }

  function describeWait(next: TimedEvent | undefined): string {
    const open = order.openLines().length;
    if (order.status === 'NEEDS_ATTENTION') return 'an operator (see alerts and last error)';
    if (open > 0) return `shipment of ${open} of ${order.lines.length} order line(s)`;
    if (next?.kind === 'close') return `refunds until ${new Date(next.at).toISOString()}, when the order closes`;
    return 'nothing';
  }

  /** Returns when the order is done: cancelled, or completed and past its refund window. */
  async function orderLoop(): Promise<void> {
    for (;;) {
      const command = queue.shift();
      if (command) {
        await run(command);
        flush();
        continue;
      }
      if (order.reconcileRequested) {
        await reconcile();
        flush();
        continue;
      }
      if (order.status === 'CANCELLED' && order.aggregate.captured === 0) return;
      const next = nextTimedEvent();
      waitFor(describeWait(next));
      const hasWork = () => queue.length > 0 || order.reconcileRequested;
      if (!next) {
        await condition(hasWork);
        continue;
      }
      if (await condition(hasWork, Math.max(next.at - Date.now(), 1))) continue;
      if (next.kind === 'close') {
        order.note('refund window ended; order closed');
        return;
      }
      if (next.kind === 'warn') {
        order.deadlineWarned = true;
        order.addAlert('CAPTURE_DEADLINE_NEAR');
        order.note('capture deadline is near', new Date(order.captureDeadline!).toISOString());
      } else if (policy.captureDeadlinePolicy === 'cancel' && !(hasFailedCapture() && patched(PATCHES.deadlineSparesFailedCaptures))) {
        if (!(await releaseRemainder('the capture deadline was reached')) && patched(PATCHES.failedDeadlineReleaseHolds)) {
          // Releasing failed: hand the order to an operator instead of trying again at once, forever.
          order.addAlert('CAPTURE_DEADLINE_PASSED');
          order.clearAlert('CAPTURE_DEADLINE_NEAR');
          order.setStatus('NEEDS_ATTENTION', 'the capture deadline passed and releasing the reservation failed');
        }
      } else {
        order.addAlert('CAPTURE_DEADLINE_PASSED');
        order.clearAlert('CAPTURE_DEADLINE_NEAR');
        order.setStatus('NEEDS_ATTENTION', 'the capture deadline passed with unshipped lines');
      }
      flush();
    }
  }

  /**
   * A workflow cancelled from the UI or CLI must not leave money reserved: release what is left,
   * in a scope that the cancellation cannot interrupt, then let the cancellation end the run.
   */
  async function compensateCancellation(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      order.note('workflow cancellation requested');
      if (order.status === 'PENDING_PAYMENT' && order.redirectUrl) {
        const result = await cancelUnauthorized('workflow-cancel');
        if (result === 'authorized') {
          const confirmed = await readPayment('authorized while the workflow was cancelled');
          if (confirmed?.state === 'AUTHORIZED') {
            onAuthorized(confirmed);
            await releaseRemainder('workflow cancelled');
          }
        } else if (result) {
          order.applyPayment(result);
          order.setStatus('CANCELLED', 'workflow cancelled');
        }
      } else if (['AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION'].includes(order.status)) {
        await releaseRemainder('workflow cancelled');
      }
      flush();
    });
  }

  // ---- the lifecycle -----------------------------------------------------------------------------

  order.note('order placed', formatMoney(input.amount));
  flush();
  try {
    if ((await createPayment()) && (await awaitAuthorization())) {
      flush();
      const receipt = attachReceipt();
      await orderLoop();
      await receipt;
    }
  } catch (err) {
    if (isCancellation(err)) await compensateCancellation();
    throw err;
  }
  order.waitingFor = 'nothing: the order is closed';
  flush();
  await condition(allHandlersFinished);
  const outcome: OrderOutcome = {
    orderId: input.orderId,
    status: order.status,
    captured: order.aggregate.captured,
    refunded: order.aggregate.refunded,
  };
  if (order.failureReason) outcome.failureReason = order.failureReason;
  return outcome;
}
