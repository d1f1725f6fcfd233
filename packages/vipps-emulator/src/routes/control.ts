import { type FastifyPluginCallback, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DateTime, describeIssues, MAX_AMOUNT_MINOR, Msn, PaymentState } from '@vipps-orders/vipps/schemas';
import { type EmulatorContext } from '../context';
import { FaultConfig } from '../faults';
import { ApiError, emptyResponse, jsonResponse, sendApiResponse } from '../http/apiResponse';
import { aggregateOf, type Payment } from '../payments/paymentMachine';
import { type UserActionResult } from '../payments/paymentService';
import { maskPhoneNumber, toPaymentEvent } from '../payments/paymentViews';
import { controlError } from '../problems';

/**
 * Emulator-only endpoints under /_emulator: no auth, never part of the Vipps API surface. They let
 * scripts and tests act as the customer (approve, reject, let expire), move deadlines, inspect
 * the ledger and webhook deliveries, and switch faults on and off.
 */

const ListQuery = z.strictObject({
  state: PaymentState.optional(),
  msn: Msn.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});
const MsnQuery = z.strictObject({ msn: Msn.optional() });
const LedgerQuery = z.strictObject({ msn: Msn.optional(), reference: z.string().min(1).optional() });
const DeliveriesQuery = z.strictObject({ reference: z.string().min(1).optional() });
const CaptureDeadlineBody = z.strictObject({ captureGuaranteedUntil: DateTime });
const PortalMoneyBody = z.strictObject({ amount: z.int().min(1).max(MAX_AMOUNT_MINOR) });
/** Approving with a guarantee of its own: a capture deadline seconds away, without racing the order's first read. */
const ApproveBody = z.strictObject({ captureGuaranteeSeconds: z.int().min(1).max(366 * 24 * 3600).optional() });

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const fields = describeIssues(result.error);
  throw new ApiError(controlError(400, fields.map((f) => `${f.name}: ${f.reason}`).join('; '), fields));
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function summaryView(p: Payment) {
  return {
    msn: p.msn,
    reference: p.reference,
    state: p.state,
    amount: p.amount,
    aggregate: aggregateOf(p),
    userFlow: p.details.userFlow,
    createdAt: iso(p.createdAt),
  };
}

function internalView(p: Payment) {
  return {
    ...summaryView(p),
    pspReference: p.pspReference,
    paymentMethod: { type: p.details.paymentMethodType },
    returnUrl: p.details.returnUrl,
    redirectUrl: p.details.redirectUrl,
    landingToken: p.details.landingToken,
    paymentDescription: p.details.paymentDescription,
    customerPhoneNumber: p.details.customerPhoneNumber && maskPhoneNumber(p.details.customerPhoneNumber),
    metadata: p.details.metadata ?? undefined,
    profileScope: p.details.profileScope,
    sub: p.sub,
    hasReceipt: p.details.hasReceipt,
    expiresAt: iso(p.expiresAt),
    authorizedAt: iso(p.authorizedAt),
    captureGuaranteedUntil: iso(p.captureGuaranteedUntil),
    events: p.events.map((e) => toPaymentEvent(p, e)),
  };
}

export function controlRoutes(ctx: EmulatorContext): FastifyPluginCallback {
  /** A reference is unique per MSN only: `?msn=` picks one, else the configured MSNs are tried in order. */
  const paymentFor = (request: FastifyRequest): Payment => {
    const { msn } = parse(MsnQuery, request.query);
    const { reference } = request.params as { reference: string };
    for (const candidate of msn ? [msn] : ctx.acceptedMsns) {
      const payment = ctx.payments.find(candidate, reference);
      if (payment) return payment;
    }
    throw new ApiError(controlError(404, `No payment with reference ${reference}`));
  };
  const answer = (reply: FastifyReply, result: UserActionResult) =>
    sendApiResponse(reply, result.ok ? jsonResponse(200, internalView(result.payment)) : controlError(result.status, result.detail));
  const cfg = { config: { api: 'control' } } as const;

  return (app, _opts, done) => {
    app.get('/_emulator/health', cfg, (_request, reply) =>
      sendApiResponse(
        reply,
        jsonResponse(200, {
          status: 'ok',
          payments: ctx.state.payments.size,
          pendingWebhookDeliveries: ctx.dispatcher.pending,
          uptimeSeconds: Math.round(process.uptime()),
        }),
      ),
    );

    app.post('/_emulator/reset', cfg, async (_request, reply) => {
      await ctx.reset();
      return sendApiResponse(reply, emptyResponse(204));
    });

    app.get('/_emulator/payments', cfg, (request, reply) => {
      const query = parse(ListQuery, request.query);
      const payments = [];
      for (const p of ctx.state.payments.newestFirst()) {
        if (query.state && p.state !== query.state) continue;
        if (query.msn && p.msn !== query.msn) continue;
        payments.push(summaryView(p));
        if (payments.length >= query.limit) break;
      }
      return sendApiResponse(reply, jsonResponse(200, { payments }));
    });

    app.get('/_emulator/payments/:reference', cfg, (request, reply) =>
      sendApiResponse(reply, jsonResponse(200, internalView(paymentFor(request)))),
    );
    app.post('/_emulator/payments/:reference/approve', cfg, (request, reply) => {
      const payment = paymentFor(request);
      const { captureGuaranteeSeconds } = parse(ApproveBody, request.body);
      return answer(reply, ctx.payments.approveByUser(payment, captureGuaranteeSeconds === undefined ? undefined : captureGuaranteeSeconds * 1000));
    });
    app.post('/_emulator/payments/:reference/reject', cfg, (request, reply) =>
      answer(reply, ctx.payments.rejectByUser(paymentFor(request))),
    );
    app.post('/_emulator/payments/:reference/expire', cfg, (request, reply) =>
      answer(reply, ctx.payments.expireNow(paymentFor(request))),
    );
    // As the merchant in the business portal: a refund the shop's own code did not make.
    app.post('/_emulator/payments/:reference/portal-refund', cfg, (request, reply) => {
      const payment = paymentFor(request);
      const { amount } = parse(PortalMoneyBody, request.body);
      return answer(reply, ctx.payments.refundFromPortal(payment, { currency: payment.amount.currency, value: amount }));
    });
    // Likewise a capture: money the order's workflow did not ask for (reconciliation flags it).
    app.post('/_emulator/payments/:reference/portal-capture', cfg, (request, reply) => {
      const payment = paymentFor(request);
      const { amount } = parse(PortalMoneyBody, request.body);
      return answer(reply, ctx.payments.captureFromPortal(payment, { currency: payment.amount.currency, value: amount }));
    });
    app.put('/_emulator/payments/:reference/capture-deadline', cfg, (request, reply) => {
      const payment = paymentFor(request);
      const body = parse(CaptureDeadlineBody, request.body);
      return answer(reply, ctx.payments.setCaptureDeadline(payment, Date.parse(body.captureGuaranteedUntil)));
    });

    app.get('/_emulator/ledger', cfg, (request, reply) => {
      const query = parse(LedgerQuery, request.query);
      const body = { entries: ctx.state.ledger.list(query), totals: ctx.state.ledger.totalsByCurrency() };
      return sendApiResponse(reply, jsonResponse(200, body));
    });

    app.get('/_emulator/webhook-deliveries', cfg, (request, reply) => {
      const { reference } = parse(DeliveriesQuery, request.query);
      return sendApiResponse(reply, jsonResponse(200, { deliveries: ctx.state.deliveries.list(reference) }));
    });

    app.get('/_emulator/faults', cfg, (_request, reply) => sendApiResponse(reply, jsonResponse(200, ctx.faults.snapshot())));
    app.put('/_emulator/faults', cfg, (request, reply) => {
      ctx.faults.replace(parse(FaultConfig, request.body));
      return sendApiResponse(reply, jsonResponse(200, ctx.faults.snapshot()));
    });
    app.delete('/_emulator/faults', cfg, (_request, reply) => {
      ctx.faults.clear();
      return sendApiResponse(reply, emptyResponse(204));
    });

    done();
  };
}
