/**
 * The order's one decision: given everything it knows and the time, what to do next. The workflow
 * loop asks this after every step and every wake-up, so a command that arrives while a call is in
 * flight is seen at the next decision and can never be lost or act on stale state.
 *
 * Pure: no Temporal calls; unit-tested on its own.
 */
import { isDue, type MoneyOp } from '../money/moneyOperation';
import { capturable, openLines, openOps, shipmentStatus } from './orderBook';
import { isAuthorized, type OrderData } from './orderData';
import { isFinal } from './orderRules';

export type Step =
  | { kind: 'create' }
  | { kind: 'read'; why: string }
  | { kind: 'send'; op: MoneyOp }
  | { kind: 'enqueueVoid' }
  | { kind: 'enqueueRelease'; why: string }
  | { kind: 'nothingToRelease' }
  | { kind: 'warnDeadline' }
  | { kind: 'deadlinePassed' }
  | { kind: 'closeUnpaid' }
  | { kind: 'end' }
  | { kind: 'wait'; until?: number; waitingFor: string };

export function nextStep(order: OrderData, now: number): Step {
  if (order.create.status === 'PENDING') return { kind: 'create' };
  if (order.create.status === 'REFUSED') return { kind: 'end' };
  return isAuthorized(order) ? afterAuthorization(order, now) : whilePending(order, now);
}

function earliest(...times: (number | undefined)[]): number | undefined {
  const defined = times.filter((t): t is number => t !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
}

/** The customer has not answered yet (or the payment ended without authorization). */
function whilePending(order: OrderData, now: number): Step {
  const voidOp = order.ops.find((o) => o.kind === 'void');
  if (isFinal(order.status)) {
    // Only the void may still be open; anything else (a capture an older run accepted) is closed, never awaited.
    const open = openOps(order)[0];
    if (!open) return { kind: 'end' };
    return open.kind === 'void' ? sendOrWait(open, now, 'the cancel of the payment to be confirmed') : { kind: 'closeUnpaid' };
  }
  const p = order.pending;
  if (voidOp && (voidOp.status === 'QUEUED' || voidOp.status === 'UNKNOWN')) {
    // A void in progress is finished first; a wake-up may still look at the payment meanwhile.
    if (isDue(voidOp, now)) return { kind: 'send', op: voidOp };
    if (p.wake) return { kind: 'read', why: p.wake };
    return { kind: 'wait', until: voidOp.nextAttemptAt, waitingFor: 'the cancel of the payment to be confirmed by Vipps' };
  }
  // A look asked for comes first: after a refused void (6060: authorized after all) it tells what to do.
  if (p.wake) return { kind: 'read', why: p.wake };
  // Only a first void, or the next key after a refused one: anything else would change nothing and
  // be asked for again at once.
  const voidable = !voidOp || voidOp.status === 'REFUSED';
  if (order.cancel?.status === 'REQUESTED' && voidable) {
    // A void refused earlier is tried again at the polling pace (the look above reset it), never in a tight loop.
    if (!voidOp || now >= p.nextPollAt) return { kind: 'enqueueVoid' };
  }
  // Vipps should have expired it by now: cancel it ourselves, only if still unauthorized; the first
  // time at the give-up itself. A refused cancel makes the order look at the payment first (see
  // moneyOutcomes), then try again at the polling pace.
  if (now >= p.giveUpAt && voidable && (!voidOp || now >= p.nextPollAt)) return { kind: 'enqueueVoid' };
  if (now >= p.nextPollAt) return { kind: 'read', why: 'polling' };
  const waitingFor =
    order.cancel?.status === 'REQUESTED'
      ? 'Vipps to confirm the cancel'
      : `the customer to approve the payment (it expires at ${new Date(p.expiresAt).toISOString()})`;
  return { kind: 'wait', until: earliest(p.nextPollAt, p.giveUpAt > now ? p.giveUpAt : undefined), waitingFor };
}

function sendOrWait(op: MoneyOp, now: number, waitingFor: string): Step {
  return isDue(op, now) ? { kind: 'send', op } : { kind: 'wait', until: op.nextAttemptAt, waitingFor };
}

function afterAuthorization(order: OrderData, now: number): Step {
  const deadlineStep = deadlineEvent(order, now);
  // Money operations run one at a time, first come first served: a release waits for the
  // captures before it, and nothing overtakes an operation whose outcome is unknown.
  const first = openOps(order)[0];
  if (first) {
    if (isDue(first, now)) return { kind: 'send', op: first };
    if (deadlineStep) return deadlineStep;
    if (reconcileDue(order, now)) return { kind: 'read', why: 'money moved outside this workflow' };
    return { kind: 'wait', until: earliest(first.nextAttemptAt, nextDeadlineEvent(order), order.reconcile?.at), waitingFor: `Vipps to confirm ${first.kind} ${first.id} (key ${first.key})` };
  }
  if (order.cancel?.status === 'REQUESTED') {
    return capturable(order) > 0 ? { kind: 'enqueueRelease', why: order.cancel.reason ? `cancelled: ${order.cancel.reason}` : 'cancelled by the merchant' } : { kind: 'nothingToRelease' };
  }
  if (reconcileDue(order, now)) return { kind: 'read', why: 'money moved outside this workflow' };
  if (deadlineStep) return deadlineStep;
  if (openLines(order).length === 0 && capturable(order) > 0 && order.status !== 'NEEDS_ATTENTION') {
    // Everything is shipped and captured: release what is left of the reservation.
    return { kind: 'enqueueRelease', why: 'everything is shipped' };
  }
  if (isFinal(order.status) && !order.reconcile) return { kind: 'end' };
  return { kind: 'wait', until: earliest(nextDeadlineEvent(order), order.reconcile?.at), waitingFor: describeWait(order) };
}

function reconcileDue(order: OrderData, now: number): boolean {
  return order.reconcile !== undefined && now >= order.reconcile.at;
}

/** The deadline matters while money is still reserved for unshipped lines or failed captures. */
function deadlineApplies(order: OrderData): boolean {
  const failedCapture = order.shipments.some((s) => shipmentStatus(order, s) === 'CAPTURE_FAILED');
  return order.payment.captureDeadline !== undefined && capturable(order) > 0 && (openLines(order).length > 0 || failedCapture);
}

/** When the order acts on the deadline: at it (`hold`), or the release margin before it (`cancel`). */
function actAt(order: OrderData): number {
  const { captureDeadlinePolicy, captureDeadlineReleaseMarginMs } = order.input.policy;
  return order.payment.captureDeadline! - (captureDeadlinePolicy === 'cancel' ? (captureDeadlineReleaseMarginMs ?? 0) : 0);
}

function warnAt(order: OrderData): number {
  return Math.min(order.payment.captureDeadline! - order.input.policy.captureDeadlineWarningMs, actAt(order));
}

/** Each deadline event happens once: `deadlineHandled` records that the deadline was acted on, whatever came of it. */
function deadlineEvent(order: OrderData, now: number): Step | undefined {
  if (!deadlineApplies(order) || order.deadlineHandled || order.alerts.includes('CAPTURE_DEADLINE_PASSED')) return undefined;
  if (now >= actAt(order)) return { kind: 'deadlinePassed' };
  if (!order.deadlineWarned && now >= warnAt(order)) return { kind: 'warnDeadline' };
  return undefined;
}

function nextDeadlineEvent(order: OrderData): number | undefined {
  if (!deadlineApplies(order) || order.deadlineHandled || order.alerts.includes('CAPTURE_DEADLINE_PASSED')) return undefined;
  return order.deadlineWarned ? actAt(order) : warnAt(order);
}

/** What the order is doing during a step, for the view and the Temporal UI. */
export function describeStep(step: Exclude<Step, { kind: 'wait' | 'end' }>): string {
  switch (step.kind) {
    case 'create':
      return 'Vipps to create the payment';
    case 'read':
      return `Vipps to answer a look at the payment (${step.why})`;
    case 'send':
      return `Vipps to answer ${step.op.kind} ${step.op.id} (key ${step.op.key})`;
    default:
      return 'the next step';
  }
}

export function describeWait(order: OrderData): string {
  if (order.status === 'NEEDS_ATTENTION') return 'an operator (see alerts and last error)';
  const open = openLines(order).length;
  if (open > 0) return `shipment of ${open} of ${order.lines.length} order line(s)`;
  return 'nothing';
}
