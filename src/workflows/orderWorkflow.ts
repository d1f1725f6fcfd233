/**
 * One Vipps MobilePay order, from creating the payment until it is settled: everything captured
 * and the rest released, cancelled, or not paid, with no money operation unresolved. Refunds after
 * that run as workflows of their own (refundWorkflow).
 *
 * The lifecycle is one loop: decide the next step from the order's state (nextStep), do it, and
 * when there is nothing to do, wait for a command, a webhook or the next timed event. Money rules
 * (see docs/workflow.md): truth is getPayment; one money operation at a time, each with a
 * deterministic key; an unknown outcome is resolved by proof, never by a new key; nothing is
 * captured before a shipment.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import { Alarm } from './runtime/alarm';
import { DecisionClock } from './runtime/decisionClock';
import { addOwnOp, requestCancel } from './order/commands';
import type { OrderWorkflowInput } from './messages/requests';
import { formatMoney } from './messages/money';
import { afterRelease, closeUnpaid } from './money/moneyOutcomes';
import { sendMoneyOp } from './money/moneySteps';
import { describeStep, nextStep, type Step } from './order/nextStep';
import { addAlert, clearAlert, note, openOps } from './order/orderBook';
import { isAuthorized, newOrderData, snapshotOf, type StepContext } from './order/orderData';
import { activityProxies } from './runtime/activityProxies';
import { registerHandlers, UPDATES_OUTLIVE_CANCELLATION, type OrderRuntime } from './order/handlers';
import { OperatorView, orderView, refresh } from './order/operatorView';
import { createPayment, readPayment } from './money/paymentSteps';
import { startReceipt } from './money/receipt';
import { startOrderEvents } from './order/orderEvents';
import type { OrderView } from './messages/views';

/** patched() id: a run cancelled from the UI or CLI completes with its view (histories before it end cancelled). */
const CANCELLED_RUN_RETURNS_VIEW = 'cancelled-run-returns-view';
/** A cancelled run that ends up needing an operator stays open for the operator's command (else the alert would have no exit). */
const CANCELLED_RUN_WAITS_FOR_OPERATOR = 'cancelled-run-waits-for-operator';
/** Once Vipps has refused a release, the deadline does not send another one with a new key. */
const NO_SECOND_RELEASE_AT_DEADLINE = 'no-second-release-at-deadline';
/** A cancelled run waits for the receipt it is attaching (histories before it end without its outcome). */
const RECEIPT_BEFORE_CANCELLED_END = 'receipt-before-cancelled-end';
/** How long a cancelled run waits for accepted commands to be answered before it ends anyway. */
const HANDLERS_GRACE = '1 minute';
/** patched() id: a run past its event budget continues as new once its handlers finish (reached only by long runs). */
const CONTINUE_WHEN_HANDLERS_FINISH = 'continue-when-handlers-finish';

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderView> {
  // Never Date.now() for a decision: see decisionClock.ts.
  const time = new DecisionClock(workflowInfo().runStartTime.getTime());
  const clock = () => time.now();
  const order = newOrderData(input, workflowInfo().workflowId, clock());
  let changes = 0;
  let waitingFor = input.resume ? 'the next step' : 'the payment to be created';
  let busy = true;
  const rt: OrderRuntime = {
    order,
    clock,
    syncClock: () => time.syncWithUpdateTask(),
    reachClock: (at) => time.reach(at),
    changed: () => changes++,
    view: () => orderView(order, waitingFor, busy),
    answer: () => {
      refresh(order, clock());
      return orderView(order, waitingFor, busy);
    },
  };
  registerHandlers(rt);
  const operator = new OperatorView(order);
  const ctx: StepContext = { order, clock, acts: activityProxies(input.policy, time, input.salesUnit) };
  const receipt = startReceipt(ctx, rt.changed);
  const events = startOrderEvents(ctx, rt.changed);
  if (!input.resume) note(order, clock(), 'order placed', formatMoney(input.amount));

  /** Runs steps until the order ends, or until `enough` says the caller may stop waiting. */
  async function drive(alarm: Alarm, enough: (step: Step) => boolean): Promise<void> {
    for (;;) {
      const step = nextStep(order, clock());
      if (step.kind === 'end' || enough(step)) return;
      if (step.kind !== 'wait') {
        waitingFor = describeStep(step);
        busy = true;
        await run(step);
        refresh(order, clock());
        if (isAuthorized(order)) receipt.start();
        events.observe();
        operator.flush(waitingFor);
        continue;
      }
      waitingFor = step.waitingFor;
      busy = false;
      events.observe();
      operator.flush(waitingFor);
      if (readyToContinueAsNew()) await continueAsNew<typeof orderWorkflow>({ ...input, resume: snapshotOf(order) });
      operator.publish(waitingFor, clock());
      alarm.set(step.until, `Next look: ${step.waitingFor}`);
      const seen = changes;
      // Past its event budget, the run continues as new as soon as the last command's handler and
      // the receipt are done, not only at the next wake-up (which may never come before it settles).
      const overBudget = historyLong() && patched(CONTINUE_WHEN_HANDLERS_FINISH);
      await condition(() => changes !== seen || alarm.ringing || (overBudget && allHandlersFinished() && !receipt.running && !events.busy));
    }
  }

  async function run(step: Exclude<Step, { kind: 'end' | 'wait' }>): Promise<void> {
    const now = clock();
    switch (step.kind) {
      case 'create':
        return createPayment(ctx);
      case 'read':
        return readPayment(ctx, step.why);
      case 'send':
        return sendMoneyOp(ctx, step.op);
      case 'enqueueVoid':
        addOwnOp(order, 'void', now);
        return;
      case 'enqueueRelease':
        addOwnOp(order, 'release', now);
        note(order, now, 'releasing the rest of the reservation', step.why);
        return;
      case 'nothingToRelease':
        afterRelease(order, now, 'nothing was left reserved');
        return;
      case 'warnDeadline':
        order.deadlineWarned = true;
        addAlert(order, 'CAPTURE_DEADLINE_NEAR');
        note(order, now, 'capture deadline is near', new Date(order.payment.captureDeadline!).toISOString());
        return;
      case 'deadlinePassed':
        return deadlinePassed(now);
      case 'closeUnpaid':
        closeUnpaid(order, now);
        return;
    }
  }

  /** Vipps releases the whole remainder at once, so it cannot spare the money of a refused capture: hold then. */
  function deadlinePassed(now: number): void {
    order.deadlineHandled = true;
    const refusedCapture = order.ops.some((o) => o.kind === 'capture' && o.status === 'REFUSED');
    const refusedRelease = order.ops.some((o) => o.kind === 'release' && o.status === 'REFUSED');
    if (input.policy.captureDeadlinePolicy === 'cancel' && refusedRelease && patched(NO_SECOND_RELEASE_AT_DEADLINE)) {
      note(order, now, 'capture deadline passed', 'Vipps already refused to release the reservation: RELEASE_FAILED says what to do');
      return;
    }
    if (input.policy.captureDeadlinePolicy === 'cancel' && !refusedCapture) {
      addOwnOp(order, 'release', now);
      const margin = input.policy.captureDeadlineReleaseMarginMs;
      note(order, now, 'releasing the rest of the reservation', margin ? `the capture deadline is ${Math.round(margin / 60_000)} minute(s) away; Vipps refuses a release after it` : 'the capture deadline was reached');
      return;
    }
    addAlert(order, 'CAPTURE_DEADLINE_PASSED');
    clearAlert(order, 'CAPTURE_DEADLINE_NEAR');
    note(order, now, 'capture deadline passed', 'an operator decides: ship and retry the capture, or cancel');
  }

  function historyLong(): boolean {
    const info = workflowInfo();
    return info.historyLength >= input.policy.continueAsNewAfterEvents || info.continueAsNewSuggested;
  }

  function readyToContinueAsNew(): boolean {
    return historyLong() && allHandlersFinished() && !receipt.running && !events.busy;
  }

  try {
    const alarm = new Alarm(time);
    // An accepted command could still arrive as the order ends: drive on until nothing is left.
    for (;;) {
      await drive(alarm, () => false);
      if (await settledAfterHandlers()) break;
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await compensateCancellation();
    // Once a payment exists, the run ends with its final view as its result, as a settled order's
    // does, so the order stays readable (a cancelled run has no result: it would read as a payment
    // never created). Cancelled before that, it ends cancelled: no customer ever got the link.
    if (order.create.status !== 'DONE' || !patched(CANCELLED_RUN_RETURNS_VIEW)) throw err;
  }

  async function settledAfterHandlers(): Promise<boolean> {
    await receipt.finished();
    await events.drained();
    await condition(allHandlersFinished);
    return nextStep(order, clock()).kind === 'end';
  }

  /**
   * A workflow cancelled from the UI or CLI must not leave money reserved: cancel like the merchant
   * would, in a scope the cancellation cannot interrupt, until nothing is open, then end.
   */
  async function compensateCancellation(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      note(order, clock(), 'workflow cancellation requested');
      if (order.create.status === 'DONE' && !['COMPLETED', 'CANCELLED', 'PAYMENT_FAILED'].includes(order.status)) {
        requestCancel(order, { reason: 'workflow cancelled' }, clock());
        await drive(new Alarm(time), (step) => step.kind === 'wait' && openOps(order).length === 0 && order.cancel?.status !== 'REQUESTED' && !(order.status === 'NEEDS_ATTENTION' && patched(CANCELLED_RUN_WAITS_FOR_OPERATOR)));
      }
      // A receipt the cancellation cut short is still owed to an authorized payment; it is attached
      // before the run ends, so the final view says how it went.
      if (isAuthorized(order)) receipt.start();
      if (receipt.running && patched(RECEIPT_BEFORE_CANCELLED_END)) await receipt.finished();
      refresh(order, clock());
      events.observe();
      operator.flush('nothing: the workflow was cancelled');
      // Commands accepted before the cancellation are answered with this outcome, not cut off by the
      // run's end; bounded, so a handler that cannot finish does not hold the run open.
      if (patched(UPDATES_OUTLIVE_CANCELLATION)) await condition(allHandlersFinished, HANDLERS_GRACE);
    });
  }

  waitingFor = 'nothing: the order is settled';
  busy = false;
  refresh(order, clock());
  events.observe();
  operator.flush(waitingFor);
  // The shop hears of the end before the run closes (at least once, in order).
  await events.drained();
  if (order.create.status === 'REFUSED') {
    // A failed run frees the order id: the same id may be placed again with corrected content.
    throw ApplicationFailure.create({ type: 'PaymentCreateFailed', message: order.failureReason ?? 'the payment could not be created', nonRetryable: true });
  }
  return orderView(order, waitingFor);
}

