import { type FastifyPluginCallback, type FastifyRequest } from 'fastify';
import {
  CancelModificationRequest,
  CaptureModificationRequest,
  CreatePaymentRequest,
  ForceApproveRequest,
  REFERENCE_PATTERN,
  RefundModificationRequest,
} from '@vipps-orders/vipps/schemas';
import { type EmulatorContext } from '../context';
import { apiGuard, finish } from '../http/apiGuard';
import { badRequest, idempotencyKey, parseWith } from '../http/requestParsing';
import { type OperationName } from '../http/routeConfig';

const API = 'epayment';

function config(operation: OperationName) {
  return { config: { api: API, operation } } as const;
}

function referenceParam(request: FastifyRequest): string {
  const { reference } = request.params as { reference: string };
  if (!REFERENCE_PATTERN.test(reference)) throw badRequest(API, request, 'reference', `must match ${REFERENCE_PATTERN.source}`);
  return reference;
}

/** ePayment API v1, including the test-environment forceApprove. */
export function epaymentRoutes(ctx: EmulatorContext): FastifyPluginCallback {
  return (app, _opts, done) => {
    app.addHook('preHandler', apiGuard(ctx, { api: API, msnRequired: true, systemHeaderMaxLength: 30 }));

    app.post('/epayment/v1/payments', config('createPayment'), (request, reply) => {
      const key = idempotencyKey(request, API, true);
      const body = parseWith(CreatePaymentRequest, request.body, API, request);
      return finish(ctx, request, reply, ctx.payments.createPayment(request.vippsMsn, key, body, request.url));
    });

    app.get('/epayment/v1/payments/:reference', config('getPayment'), (request, reply) => {
      const reference = referenceParam(request);
      return finish(ctx, request, reply, ctx.payments.getPayment(request.vippsMsn, reference, request.url));
    });

    app.get('/epayment/v1/payments/:reference/events', config('getPaymentEventLog'), (request, reply) => {
      const reference = referenceParam(request);
      return finish(ctx, request, reply, ctx.payments.getEventLog(request.vippsMsn, reference, request.url));
    });

    app.post('/epayment/v1/payments/:reference/capture', config('capturePayment'), (request, reply) => {
      const reference = referenceParam(request);
      const key = idempotencyKey(request, API, true);
      const body = parseWith(CaptureModificationRequest, request.body, API, request);
      return finish(ctx, request, reply, ctx.payments.capture(request.vippsMsn, reference, key, body, request.url));
    });

    app.post('/epayment/v1/payments/:reference/refund', config('refundPayment'), (request, reply) => {
      const reference = referenceParam(request);
      const key = idempotencyKey(request, API, true);
      const body = parseWith(RefundModificationRequest, request.body, API, request);
      return finish(ctx, request, reply, ctx.payments.refund(request.vippsMsn, reference, key, body, request.url));
    });

    app.post('/epayment/v1/payments/:reference/cancel', config('cancelPayment'), (request, reply) => {
      const reference = referenceParam(request);
      const key = idempotencyKey(request, API, false);
      // The body is optional: no body means a plain cancel.
      const body = parseWith(CancelModificationRequest, request.body ?? {}, API, request);
      return finish(ctx, request, reply, ctx.payments.cancel(request.vippsMsn, reference, key, body, request.url));
    });

    app.post('/epayment/v1/test/payments/:reference/approve', config('forceApprove'), (request, reply) => {
      const reference = referenceParam(request);
      const body = parseWith(ForceApproveRequest, request.body ?? {}, API, request);
      return finish(ctx, request, reply, ctx.payments.forceApprove(request.vippsMsn, reference, body, request.url));
    });

    done();
  };
}
