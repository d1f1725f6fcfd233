import { type FastifyPluginCallback, type FastifyReply, type FastifyRequest } from 'fastify';
import { type EmulatorContext } from '../context';
import { landingLook } from '../landing/landingLook';
import { renderClosePage, renderNotFoundPage, renderPaymentPage, renderStatePage } from '../landing/landingPage';
import { type Payment } from '../payments/paymentMachine';
import { maskPhoneNumber } from '../payments/paymentViews';
import { type UserActionResult } from '../payments/paymentService';
import { unitOf } from '../salesUnits';

// The token in the URL is a bearer secret for the payment: keep it out of caches and referrers.
// No form-action directive: after Approve the browser must follow the redirect to the shop.
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
};

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(HTML_HEADERS).send(body);
}

function tokenFrom(value: unknown): string | undefined {
  const token = (value as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** The customer's side of WEB_REDIRECT / NATIVE_REDIRECT / QR payments. */
export function landingRoutes(ctx: EmulatorContext): FastifyPluginCallback {
  const summaryOf = (p: Payment) => ({
    merchantName: ctx.config.merchantName,
    amount: p.amount,
    description: p.details.paymentDescription,
    reference: p.reference,
    maskedPhoneNumber: p.details.customerPhoneNumber && maskPhoneNumber(p.details.customerPhoneNumber),
  });
  // The MSN tells the unit: the customer sees that unit's app (brand, language).
  const lookOf = (p: Payment) => landingLook(unitOf(ctx.config, p.msn));
  const statePage = (reply: FastifyReply, status: number, p: Payment) =>
    html(reply, status, renderStatePage({ ...summaryOf(p), state: p.state, returnUrl: p.details.returnUrl }, lookOf(p)));

  const act =
    (action: (p: Payment) => UserActionResult) =>
    (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
      const token = tokenFrom(request.body);
      const payment = token ? ctx.payments.findByLandingToken(token) : undefined;
      if (!payment) return html(reply, 404, renderNotFoundPage());
      const result = action(payment);
      if (!result.ok) return statePage(reply, 409, ctx.payments.find(payment.msn, payment.reference) ?? payment);
      const returnUrl = result.payment.details.returnUrl;
      if (returnUrl) return reply.code(303).header('location', returnUrl).header('cache-control', 'no-store').send();
      return html(reply, 200, renderClosePage(result.payment.state, lookOf(result.payment)));
    };

  return (app, _opts, done) => {
    app.get('/landing', { config: { api: 'landing' } }, (request, reply) => {
      const token = tokenFrom(request.query);
      const payment = token ? ctx.payments.findByLandingToken(token) : undefined;
      if (!payment || !token) return html(reply, 404, renderNotFoundPage());
      if (payment.state !== 'CREATED') return statePage(reply, 200, payment);
      return html(reply, 200, renderPaymentPage({ ...summaryOf(payment), token }, lookOf(payment)));
    });
    app.post('/landing/approve', { config: { api: 'landing' } }, act((p) => ctx.payments.approveByUser(p)));
    app.post('/landing/reject', { config: { api: 'landing' } }, act((p) => ctx.payments.rejectByUser(p)));
    done();
  };
}
