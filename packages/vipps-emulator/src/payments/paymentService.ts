import { currencyOf, unitOf } from '../salesUnits';
import { type EmulatorConfig } from '../config';
import {
  type Amount,
  type CancelModificationRequest,
  type CaptureModificationRequest,
  type CreatePaymentRequest,
  type ForceApproveRequest,
  type RefundModificationRequest,
} from '@vipps-orders/vipps/schemas';
import { type ApiResponse, emptyResponse, jsonResponse } from '../http/apiResponse';
import { type OperationName } from '../http/routeConfig';
import { createPspReferenceSequence, newLandingToken, newUuid } from '../ids';
import { type Clock } from '../options';
import { epaymentDomainProblem } from '../problems';
import { type EmulatorState } from '../state/emulatorState';
import { ExpiryQueue } from '../state/expiryQueue';
import { hashBody, isStorableStatus } from '../state/idempotencyStore';
import { type MovementKind } from '../state/ledger';
import { type PaymentKey } from '../state/paymentStore';
import { type WebhookDispatcher } from '../webhooks/dispatcher';
import { checkCreatePayment } from './createPaymentRules';
import * as machine from './paymentMachine';
import { type Payment, type PaymentEventRecord, type TransitionContext, type TransitionResult } from './paymentMachine';
import { toGetPaymentResponse, toModificationResponse, toPaymentEvent } from './paymentViews';

const LEDGER_KIND: Partial<Record<PaymentEventRecord['name'], MovementKind>> = { AUTHORIZED: 'authorize', CAPTURED: 'capture', CANCELLED: 'cancel', REFUNDED: 'refund' };

/** Idempotency conflicts answer with the code of the operation being attempted. */
const CONFLICT_CODE = { createPayment: 4020, cancelPayment: 4020, capturePayment: 4010, refundPayment: 4150 } as const;
type IdempotentOperation = keyof typeof CONFLICT_CODE;

const REDIRECT_FLOWS = new Set(['WEB_REDIRECT', 'NATIVE_REDIRECT', 'QR']);

export type UserActionResult = { ok: true; payment: Payment } | { ok: false; status: 404 | 409; detail: string };

/**
 * The ePayment operations on top of the pure state machine: storage, idempotency, the ledger,
 * webhooks and expiry. Methods return finished API answers; everything between reading a payment
 * and storing its new version is synchronous, so two concurrent requests for one payment (or one
 * Idempotency-Key) are serialized by the event loop and cannot interleave.
 */
export class PaymentService {
  private nextPspReference = createPspReferenceSequence();
  readonly expiry: ExpiryQueue;

  constructor(
    private readonly config: EmulatorConfig,
    private readonly state: EmulatorState,
    private readonly clock: Clock,
    private readonly dispatcher: WebhookDispatcher,
    private readonly publicUrl: () => string,
  ) {
    this.expiry = new ExpiryQueue(clock, (key) => this.expireIfDue(key));
  }

  createPayment(msn: string, idempotencyKey: string, req: CreatePaymentRequest, path: string): ApiResponse {
    return this.idempotent(msn, idempotencyKey, 'createPayment', req.reference, req, path, () => {
      if (this.state.payments.get(msn, req.reference)) {
        return epaymentDomainProblem(path, 4150, `A payment with reference ${req.reference} already exists`);
      }
      const now = this.clock.now();
      const rules = checkCreatePayment(req, {
        currency: currencyOf(this.config, msn),
        now,
        webhookHttpHosts: this.config.webhookHttpHosts,
        paymentExpiryMs: this.config.paymentExpiryMs,
      });
      if (!rules.ok) return epaymentDomainProblem(path, rules.code, rules.detail);
      const landingToken = REDIRECT_FLOWS.has(req.userFlow) ? newLandingToken() : undefined;
      const redirectUrl = landingToken ? `${this.publicUrl()}/landing?token=${landingToken}` : undefined;
      const { payment, event } = machine.newPayment(
        {
          msn,
          reference: req.reference,
          amount: req.amount,
          expiresAt: rules.expiresAt,
          idempotencyKey,
          details: {
            userFlow: req.userFlow,
            paymentMethodType: req.paymentMethod.type,
            returnUrl: req.returnUrl,
            paymentDescription: req.paymentDescription,
            customerPhoneNumber: req.customer?.phoneNumber,
            metadata: req.metadata,
            profileScope: req.profile?.scope,
            redirectUrl,
            landingToken,
            hasReceipt: req.receipt !== undefined,
          },
        },
        this.ctx(now),
      );
      this.state.payments.insert(payment);
      this.expiry.schedule(payment, payment.expiresAt);
      this.dispatcher.publish(payment, event);
      return jsonResponse(201, redirectUrl ? { redirectUrl, reference: payment.reference } : { reference: payment.reference });
    });
  }

  getPayment(msn: string, reference: string, path: string): ApiResponse {
    const payment = this.find(msn, reference);
    if (!payment) return this.notFound(path, msn, reference);
    return jsonResponse(200, toGetPaymentResponse(payment));
  }

  getEventLog(msn: string, reference: string, path: string): ApiResponse {
    const payment = this.find(msn, reference);
    if (!payment) return this.notFound(path, msn, reference);
    return jsonResponse(200, payment.events.map((e) => toPaymentEvent(payment, e)));
  }

  capture(msn: string, reference: string, key: string, body: CaptureModificationRequest, path: string): ApiResponse {
    return this.idempotent(msn, key, 'capturePayment', reference, body, path, () =>
      this.modify(msn, reference, path, (p, ctx) => machine.capture(p, ctx, body.modificationAmount, key, { fullOnly: unitOf(this.config, msn)?.partialCapture === false })),
    );
  }

  refund(msn: string, reference: string, key: string, body: RefundModificationRequest, path: string): ApiResponse {
    return this.idempotent(msn, key, 'refundPayment', reference, body, path, () =>
      this.modify(msn, reference, path, (p, ctx) => machine.refund(p, ctx, body.modificationAmount, key)),
    );
  }

  /** The Idempotency-Key is optional on cancel; without one the request is simply executed. */
  cancel(msn: string, reference: string, key: string | undefined, body: CancelModificationRequest, path: string): ApiResponse {
    const run = () =>
      this.modify(msn, reference, path, (p, ctx) =>
        machine.cancel(p, ctx, { cancelTransactionOnly: body.cancelTransactionOnly, idempotencyKey: key ?? null }),
      );
    return key === undefined ? run() : this.idempotent(msn, key, 'cancelPayment', reference, body, path, run);
  }

  forceApprove(msn: string, reference: string, body: ForceApproveRequest, path: string): ApiResponse {
    const payment = this.find(msn, reference);
    if (!payment) return this.notFound(path, msn, reference);
    if (body.token !== undefined && body.token !== payment.details.landingToken) {
      return epaymentDomainProblem(path, 10010, 'The token does not belong to this payment');
    }
    const result = this.authorizeTransition(payment);
    if (!result.ok) return epaymentDomainProblem(path, 10010, `Approve failed: the payment is ${payment.state}, not CREATED`);
    this.commit(result.payment, result.event);
    return emptyResponse(200);
  }

  /**
   * After the state file was loaded: pspReferences continue after the highest stored one (they
   * must stay unique), CREATED payments get their expiry timer back, and those whose deadline
   * passed while the emulator was stopped expire now, with the EXPIRED event (stamped with the
   * deadline, when the timer would have fired) and its webhook.
   */
  resumeAfterRestart(): void {
    let highest = 0;
    const created: Payment[] = [];
    for (const payment of this.state.payments.oldestFirst()) {
      for (const event of payment.events) highest = Math.max(highest, Number(event.pspReference) || 0);
      if (payment.state === 'CREATED') created.push(payment);
    }
    if (highest > 0) this.nextPspReference = createPspReferenceSequence(highest + 1);
    for (const payment of created) {
      if (machine.isExpiryDue(payment, this.clock.now())) this.expireIfDue(payment, payment.expiresAt);
      else this.expiry.schedule(payment, payment.expiresAt);
    }
  }

  // The user's side (landing page) and the emulator's control API.

  find(msn: string, reference: string): Payment | undefined {
    const payment = this.state.payments.get(msn, reference);
    // A timer may lag behind (or a test clock may have jumped); a due payment expires on first sight.
    if (payment && machine.isExpiryDue(payment, this.clock.now())) return this.expireIfDue(payment) ?? payment;
    return payment;
  }

  findByLandingToken(token: string): Payment | undefined {
    const payment = this.state.payments.byLandingToken(token);
    return payment && this.find(payment.msn, payment.reference);
  }

  /** `captureGuaranteeMs` overrides the configured guarantee for this payment (tests of short deadlines). */
  approveByUser(key: PaymentKey, captureGuaranteeMs?: number): UserActionResult {
    return this.userAction(key, (p) => this.authorizeTransition(p, captureGuaranteeMs));
  }

  rejectByUser(key: PaymentKey): UserActionResult {
    return this.userAction(key, (p, ctx) => machine.abort(p, ctx));
  }

  expireNow(key: PaymentKey): UserActionResult {
    return this.userAction(key, (p, ctx) => machine.expire(p, ctx));
  }

  /** A refund made in the business portal: no Idempotency-Key, the API's rules, the same event and webhook. */
  refundFromPortal(key: PaymentKey, amount: Amount): UserActionResult {
    return this.userAction(key, (p, ctx) => machine.refund(p, ctx, amount, null));
  }

  /** A capture made in the business portal: no Idempotency-Key, the API's rules (deadline, reservation), the same event and webhook. */
  captureFromPortal(key: PaymentKey, amount: Amount): UserActionResult {
    return this.userAction(key, (p, ctx) => machine.capture(p, ctx, amount, null));
  }

  setCaptureDeadline(key: PaymentKey, at: number): UserActionResult {
    const payment = this.find(key.msn, key.reference);
    if (!payment) return { ok: false, status: 404, detail: `No payment ${key.reference} for MSN ${key.msn}` };
    const updated = machine.setCaptureDeadline(payment, at);
    if (!updated) return { ok: false, status: 409, detail: `The payment is ${payment.state}; only AUTHORIZED payments have a capture deadline` };
    this.commit(updated);
    return { ok: true, payment: updated };
  }

  private userAction(key: PaymentKey, transition: (p: Payment, ctx: TransitionContext) => TransitionResult): UserActionResult {
    const payment = this.find(key.msn, key.reference);
    if (!payment) return { ok: false, status: 404, detail: `No payment ${key.reference} for MSN ${key.msn}` };
    const result = transition(payment, this.ctx());
    if (!result.ok) return { ok: false, status: 409, detail: result.detail };
    this.commit(result.payment, result.event);
    return { ok: true, payment: result.payment };
  }

  private authorizeTransition(payment: Payment, captureGuaranteeMs = unitOf(this.config, payment.msn)?.captureGuaranteeMs ?? this.config.captureGuaranteeMs): TransitionResult {
    return machine.authorize(payment, this.ctx(), {
      captureGuaranteeMs,
      sub: payment.details.profileScope ? newUuid() : undefined,
    });
  }

  /** `at` stamps the EXPIRED event; by default now. */
  private expireIfDue(key: PaymentKey, at?: number): Payment | undefined {
    const payment = this.state.payments.get(key.msn, key.reference);
    if (!payment || !machine.isExpiryDue(payment, this.clock.now())) return undefined;
    const result = machine.expire(payment, this.ctx(at));
    if (!result.ok) return undefined;
    this.commit(result.payment, result.event);
    return result.payment;
  }

  private modify(
    msn: string,
    reference: string,
    path: string,
    transition: (p: Payment, ctx: TransitionContext) => TransitionResult,
  ): ApiResponse {
    const payment = this.find(msn, reference);
    if (!payment) return this.notFound(path, msn, reference);
    const result = transition(payment, this.ctx());
    if (!result.ok) return epaymentDomainProblem(path, result.code, result.detail);
    this.commit(result.payment, result.event);
    return jsonResponse(200, toModificationResponse(result.payment));
  }

  /** Stores the new version; money events go to the ledger once and every event to webhooks. */
  private commit(payment: Payment, event?: PaymentEventRecord): void {
    const violations = machine.invariantViolations(payment);
    // Refuse to store an inconsistent payment: a 500 here is a bug in the emulator, not a client error.
    if (violations.length > 0) throw new Error(`payment invariant violated: ${violations.join('; ')}`);
    this.state.payments.replace(payment);
    if (!event) return;
    const kind = LEDGER_KIND[event.name];
    if (kind) {
      this.state.ledger.append({
        kind,
        msn: payment.msn,
        reference: payment.reference,
        amount: event.amount,
        idempotencyKey: event.idempotencyKey,
        pspReference: event.pspReference,
        at: event.timestamp,
      });
    }
    this.dispatcher.publish(payment, event);
  }

  private idempotent(
    msn: string,
    key: string,
    operation: IdempotentOperation & OperationName,
    reference: string,
    body: unknown,
    path: string,
    run: () => ApiResponse,
  ): ApiResponse {
    const bodyHash = hashBody(body ?? {});
    const found = this.state.idempotency.lookup(msn, key, operation, reference, bodyHash);
    if (found.kind === 'replay') return found.response;
    if (found.kind === 'conflict') {
      const previous = found.record;
      const what = previous.operation === operation && previous.reference === reference ? 'a different request body' : `${previous.operation} of ${previous.reference}`;
      return epaymentDomainProblem(path, CONFLICT_CODE[operation], `Idempotency-Key "${key}" was already used for ${what}`);
    }
    const response = run();
    if (isStorableStatus(response.status)) this.state.idempotency.save(msn, key, { operation, reference, bodyHash, response });
    return response;
  }

  private notFound(path: string, msn: string, reference: string): ApiResponse {
    return epaymentDomainProblem(path, 5090, `No payment with reference ${reference} exists for MSN ${msn}`);
  }

  private ctx(now = this.clock.now()): TransitionContext {
    return { now, nextPspReference: this.nextPspReference };
  }
}
