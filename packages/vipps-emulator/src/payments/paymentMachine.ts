import {
  type Aggregate,
  type Amount,
  type PaymentEventName,
  type PaymentMethodType,
  type PaymentState,
  type UserFlow,
} from '@vipps-orders/vipps/schemas';
import { type VippsErrorCode } from '@vipps-orders/vipps';

/**
 * The ePayment payment aggregate and its transitions, free of HTTP and storage. Every function
 * takes a payment and returns a new one (or a domain error code), so the rules can be tested
 * directly and a failed operation can never leave a half-changed payment behind.
 *
 * States: CREATED → AUTHORIZED | ABORTED | EXPIRED | TERMINATED; all but CREATED are final.
 * Capture, cancel and refund of an AUTHORIZED payment only move amounts and add events.
 */

/** Refunds are possible for 365 days after the reservation (vipps-api.md §2.5). */
export const REFUND_WINDOW_MS = 365 * 24 * 3600 * 1000;

export interface PaymentEventRecord {
  readonly name: PaymentEventName;
  /** Every event has its own pspReference; API responses carry the CREATED one. */
  readonly pspReference: string;
  /** The amount of this operation, e.g. a partial capture. */
  readonly amount: Amount;
  readonly timestamp: string;
  readonly success: boolean;
  readonly idempotencyKey: string | null;
}

/** What the payment was created with; the machine never changes it. */
export interface PaymentDetails {
  readonly userFlow: UserFlow;
  readonly paymentMethodType: PaymentMethodType;
  readonly returnUrl?: string;
  readonly paymentDescription?: string;
  readonly customerPhoneNumber?: string;
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly profileScope?: string;
  readonly redirectUrl?: string;
  readonly landingToken?: string;
  readonly hasReceipt: boolean;
}

export interface Payment {
  readonly msn: string;
  readonly reference: string;
  readonly amount: Amount;
  readonly state: PaymentState;
  /** The CREATED event's pspReference. */
  readonly pspReference: string;
  readonly details: PaymentDetails;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly authorizedAt?: number;
  readonly captureGuaranteedUntil?: number;
  readonly capturedValue: number;
  readonly cancelledValue: number;
  readonly refundedValue: number;
  /** True once the merchant cancelled: TERMINATED, or the remainder released after authorization. */
  readonly cancelled: boolean;
  /** Profile `sub`, set at authorization when a profile scope was requested. */
  readonly sub?: string;
  readonly events: readonly PaymentEventRecord[];
}

export interface TransitionContext {
  now: number;
  nextPspReference: () => string;
}

export type TransitionResult =
  | { ok: true; payment: Payment; event?: PaymentEventRecord }
  | { ok: false; code: VippsErrorCode; detail: string };

export interface NewPaymentInput {
  msn: string;
  reference: string;
  amount: Amount;
  details: PaymentDetails;
  expiresAt: number;
  idempotencyKey: string | null;
}

function fail(code: VippsErrorCode, detail: string): TransitionResult {
  return { ok: false, code, detail };
}

function eventOf(
  ctx: TransitionContext,
  name: PaymentEventName,
  amount: Amount,
  idempotencyKey: string | null,
): PaymentEventRecord {
  return {
    name,
    pspReference: ctx.nextPspReference(),
    amount: { ...amount },
    timestamp: new Date(ctx.now).toISOString(),
    success: true,
    idempotencyKey,
  };
}

function withEvent(payment: Payment, changes: Partial<Payment>, event: PaymentEventRecord): TransitionResult {
  return { ok: true, payment: { ...payment, ...changes, events: [...payment.events, event] }, event };
}

function money(payment: Payment, value: number): Amount {
  return { currency: payment.amount.currency, value };
}

export function newPayment(input: NewPaymentInput, ctx: TransitionContext): { payment: Payment; event: PaymentEventRecord } {
  const event = eventOf(ctx, 'CREATED', input.amount, input.idempotencyKey);
  const payment: Payment = {
    msn: input.msn,
    reference: input.reference,
    amount: { ...input.amount },
    state: 'CREATED',
    pspReference: event.pspReference,
    details: input.details,
    createdAt: ctx.now,
    expiresAt: input.expiresAt,
    capturedValue: 0,
    cancelledValue: 0,
    refundedValue: 0,
    cancelled: false,
    events: [event],
  };
  return { payment, event };
}

/** The reserved amount: the whole amount while AUTHORIZED, nothing in any other state. */
export function authorizedValue(payment: Payment): number {
  return payment.state === 'AUTHORIZED' ? payment.amount.value : 0;
}

export function aggregateOf(payment: Payment): Aggregate {
  return {
    authorizedAmount: money(payment, authorizedValue(payment)),
    cancelledAmount: money(payment, payment.cancelledValue),
    capturedAmount: money(payment, payment.capturedValue),
    refundedAmount: money(payment, payment.refundedValue),
  };
}

export function isExpiryDue(payment: Payment, now: number): boolean {
  return payment.state === 'CREATED' && now >= payment.expiresAt;
}

function notCreated(payment: Payment, action: string): TransitionResult {
  return fail(10010, `Cannot ${action} payment ${payment.reference}: it is ${payment.state}, not CREATED`);
}

/** The user approved (app, landing page, forceApprove). */
export function authorize(
  payment: Payment,
  ctx: TransitionContext,
  options: { captureGuaranteeMs: number; sub?: string },
): TransitionResult {
  if (payment.state !== 'CREATED') return notCreated(payment, 'approve');
  const changes: Partial<Payment> = {
    state: 'AUTHORIZED',
    authorizedAt: ctx.now,
    captureGuaranteedUntil: ctx.now + options.captureGuaranteeMs,
    ...(payment.details.profileScope && options.sub ? { sub: options.sub } : {}),
  };
  return withEvent(payment, changes, eventOf(ctx, 'AUTHORIZED', payment.amount, null));
}

/** The user rejected the payment in the app or on the landing page. */
export function abort(payment: Payment, ctx: TransitionContext): TransitionResult {
  if (payment.state !== 'CREATED') return notCreated(payment, 'reject');
  return withEvent(payment, { state: 'ABORTED' }, eventOf(ctx, 'ABORTED', payment.amount, null));
}

/** Nobody acted before `expiresAt`. */
export function expire(payment: Payment, ctx: TransitionContext): TransitionResult {
  if (payment.state !== 'CREATED') return notCreated(payment, 'expire');
  return withEvent(payment, { state: 'EXPIRED' }, eventOf(ctx, 'EXPIRED', payment.amount, null));
}

function amountProblem(payment: Payment, amount: Amount): string | undefined {
  if (amount.currency !== payment.amount.currency) {
    return `Currency ${amount.currency} does not match the payment currency ${payment.amount.currency}`;
  }
  if (amount.value === 0) return 'The amount must be greater than zero';
  return undefined;
}

function pastDeadline(payment: Payment, now: number): boolean {
  return payment.captureGuaranteedUntil !== undefined && now > payment.captureGuaranteedUntil;
}

/** `fullOnly`: the sales unit must capture the whole reservation at once (Vipps' 6140). */
export function capture(payment: Payment, ctx: TransitionContext, amount: Amount, idempotencyKey: string | null, rules: { fullOnly?: boolean } = {}): TransitionResult {
  if (payment.state === 'CREATED') return fail(6080, 'The payment is not authorized yet (state CREATED)');
  if (payment.state !== 'AUTHORIZED') return fail(6200, `A ${payment.state} payment cannot be captured`);
  if (payment.cancelled) return fail(6070, 'The payment has been cancelled; nothing more can be captured');
  const invalid = amountProblem(payment, amount);
  if (invalid) return fail(4040, invalid);
  if (pastDeadline(payment, ctx.now)) {
    return fail(6100, `The capture period ended at ${new Date(payment.captureGuaranteedUntil ?? 0).toISOString()}`);
  }
  const capturable = authorizedValue(payment) - payment.cancelledValue - payment.capturedValue;
  if (amount.value > capturable) {
    return fail(6090, `Capture of ${amount.value} exceeds the remaining reservation of ${capturable}`);
  }
  if (rules.fullOnly && amount.value !== capturable) {
    return fail(6140, `This sales unit must capture the full amount (${capturable}), not ${amount.value}`);
  }
  return withEvent(
    payment,
    { capturedValue: payment.capturedValue + amount.value },
    eventOf(ctx, 'CAPTURED', amount, idempotencyKey),
  );
}

/**
 * Cancel before authorization terminates the payment. After authorization it releases whatever is
 * not captured, once and irreversibly; repeating a cancel is a harmless no-op (no new event).
 */
export function cancel(
  payment: Payment,
  ctx: TransitionContext,
  options: { cancelTransactionOnly?: boolean; idempotencyKey: string | null },
): TransitionResult {
  switch (payment.state) {
    case 'CREATED':
      return withEvent(
        payment,
        { state: 'TERMINATED', cancelled: true, cancelledValue: payment.amount.value },
        eventOf(ctx, 'TERMINATED', payment.amount, options.idempotencyKey),
      );
    case 'TERMINATED':
      return { ok: true, payment };
    case 'ABORTED':
    case 'EXPIRED':
      return fail(6050, `A ${payment.state} payment has no reservation to cancel`);
    case 'AUTHORIZED':
      break;
  }
  if (options.cancelTransactionOnly) {
    return fail(6060, 'The payment is already authorized and cancelTransactionOnly is true; nothing was released');
  }
  if (payment.cancelled) return { ok: true, payment };
  const authorized = authorizedValue(payment);
  if (payment.capturedValue >= authorized) return fail(6040, 'The payment is fully captured; there is nothing to cancel');
  if (pastDeadline(payment, ctx.now)) {
    return fail(6030, `The cancel period ended at ${new Date(payment.captureGuaranteedUntil ?? 0).toISOString()}`);
  }
  const released = authorized - payment.capturedValue;
  return withEvent(
    payment,
    { cancelled: true, cancelledValue: released },
    eventOf(ctx, 'CANCELLED', money(payment, released), options.idempotencyKey),
  );
}

export function refund(payment: Payment, ctx: TransitionContext, amount: Amount, idempotencyKey: string | null): TransitionResult {
  if (payment.state !== 'AUTHORIZED') return fail(6210, `A ${payment.state} payment cannot be refunded`);
  const invalid = amountProblem(payment, amount);
  if (invalid) return fail(4040, invalid);
  if (payment.authorizedAt !== undefined && ctx.now > payment.authorizedAt + REFUND_WINDOW_MS) {
    return fail(6220, 'The refund period of 365 days after authorization has ended');
  }
  if (payment.capturedValue === 0) return fail(6020, 'Nothing has been captured, so nothing can be refunded');
  const refundable = payment.capturedValue - payment.refundedValue;
  if (amount.value > refundable) return fail(6150, `Refund of ${amount.value} exceeds the refundable ${refundable}`);
  return withEvent(
    payment,
    { refundedValue: payment.refundedValue + amount.value },
    eventOf(ctx, 'REFUNDED', amount, idempotencyKey),
  );
}

/** Emulator control: move the capture deadline of an authorized payment (e.g. into the past). */
export function setCaptureDeadline(payment: Payment, at: number): Payment | undefined {
  if (payment.state !== 'AUTHORIZED') return undefined;
  return { ...payment, captureGuaranteedUntil: at };
}

/**
 * The aggregate invariants. For an AUTHORIZED payment: captured + cancelled ≤ authorized,
 * refunded ≤ captured, no capture after a cancel (the captured total never grows past the value
 * it had when the CANCELLED event was written). A TERMINATED payment reports authorized 0 and
 * cancelled = amount, as the real API does, so the first rule is replaced by "nothing captured".
 * Returns the violated rules; empty means consistent.
 */
export function invariantViolations(payment: Payment): string[] {
  const violations: string[] = [];
  const authorized = authorizedValue(payment);
  const { capturedValue: captured, cancelledValue: cancelled, refundedValue: refunded } = payment;
  if (payment.state === 'TERMINATED') {
    if (captured !== 0 || refunded !== 0) violations.push('a TERMINATED payment has captured or refunded money');
    if (cancelled !== payment.amount.value) violations.push('a TERMINATED payment must report cancelled = amount');
  } else if (captured + cancelled > authorized) {
    violations.push(`captured ${captured} + cancelled ${cancelled} > authorized ${authorized}`);
  }
  if (refunded > captured) violations.push(`refunded ${refunded} > captured ${captured}`);
  if ([captured, cancelled, refunded].some((v) => v < 0)) violations.push('negative amount');
  const cancelIndex = payment.events.findIndex((e) => e.name === 'CANCELLED');
  if (cancelIndex >= 0 && payment.events.slice(cancelIndex + 1).some((e) => e.name === 'CAPTURED')) {
    violations.push('capture after cancel');
  }
  const eventSum = (name: PaymentEventName) =>
    payment.events.filter((e) => e.name === name).reduce((sum, e) => sum + e.amount.value, 0);
  if (eventSum('CAPTURED') !== captured) violations.push('captured total differs from the CAPTURED events');
  if (eventSum('REFUNDED') !== refunded) violations.push('refunded total differs from the REFUNDED events');
  return violations;
}
