import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OrderCommandError } from '../../orders/errors';
import type { OrderClient } from '../../orders/orderClient';
import type { OrderGlance } from '../../orders/orderReads';
import type { OrderStatus, OrderView } from '../../workflows/messages';
import { OrderId } from '../../workflows/messages';
import { CONFIRMED_STATUSES, FINAL_STATUSES, isIn } from '../../workflows/messages/statusGroups';
import { returnPath, returnTokenMatches } from '../../security/returnLinks';
import { esc, money, page, type Refresh } from './html';
import { ReturnVisits } from './returnVisits';
import { documentOnly } from '../zodCompilers';

export interface ReturnPageOptions {
  orders: OrderClient;
  /** How long the first visit waits for the order's look at the payment. */
  waitMs: number;
  merchantName: string;
  /** Keys the links' tokens (PAGE_SECRET): a link without its order's token shows nothing. */
  pageSecret: string;
  /** Where "Back to the shop" goes when the order has no page of its own (returnUrl). */
  shopUrl?: string;
  /** At most one wake-up per order in this interval (default 30 s). */
  wakeIntervalMs?: number;
}

/** While the payment is pending the page looks again by itself, reading only (no wake-up, no billed Action). */
const AUTO_REFRESH_SECONDS = 4;

/** What the page shows, from the full view or, without asking the order, from its description. */
interface Shown {
  orderId: string;
  status: OrderStatus | 'UNKNOWN';
  total?: { value: number; currency: string };
  lines: { name: string; totalAmount: number }[];
  shopReturnUrl?: string;
  paymentState?: string;
  /** From the full view only: what Vipps reserved, took and gave back. */
  authorized?: number;
  captured?: number;
  refunded?: number;
}

function fromView(view: OrderView): Shown {
  return {
    orderId: view.orderId,
    status: view.status,
    total: view.amount,
    lines: view.orderLines,
    ...(view.shopReturnUrl && { shopReturnUrl: view.shopReturnUrl }),
    ...(view.payment.state && { paymentState: view.payment.state }),
    authorized: view.payment.aggregate.authorized,
    captured: view.payment.aggregate.captured,
    refunded: view.payment.aggregate.refunded,
  };
}

function fromGlance(glance: OrderGlance): Shown {
  const memo = glance.memo;
  return {
    orderId: glance.orderId,
    status: glance.status,
    ...(memo && { total: memo.amount }),
    lines: memo?.lines ?? [],
    ...(memo?.shopReturnUrl && { shopReturnUrl: memo.shopReturnUrl }),
  };
}

/** Why the payment did not go through, said to the customer. */
function notPaidReason(paymentState: string | undefined): string {
  switch (paymentState) {
    case 'ABORTED':
      return 'You stopped the payment in Vipps MobilePay.';
    case 'EXPIRED':
      return 'The payment was not approved in time.';
    case 'TERMINATED':
      return 'The payment was cancelled before it was approved.';
    default:
      return 'We could not start the payment with Vipps MobilePay.';
  }
}

function render(shown: Shown, opts: ReturnPageOptions, salesUnit?: string): { title: string; html: string; refresh?: Refresh } {
  const total = shown.total ? money(shown.total.value, shown.total.currency) : '';
  const lines = shown.lines.map((l) => `<tr><td>${esc(l.name)}</td><td>${esc(money(l.totalAmount, shown.total?.currency ?? ''))}</td></tr>`).join('');
  const summary = `<table><tr><th>Item</th><th>Price</th></tr>${lines}<tr><td><strong>Total</strong></td><td class="total" id="amount">${esc(total)}</td></tr></table>
    <p class="muted">Order <span id="order-id">${esc(shown.orderId)}</span></p>`;
  const backUrl = shown.shopReturnUrl ?? opts.shopUrl;
  const back = backUrl ? `<p><a class="button" id="continue" href="${esc(backUrl)}">Back to ${esc(opts.merchantName)}</a></p>` : '<p class="muted">You can close this page.</p>';
  const heading = (title: string) => `<h1 id="result" data-status="${esc(shown.status)}">${esc(title)}</h1>`;

  const currency = shown.total?.currency ?? '';
  if (shown.status === 'COMPLETED') {
    const title = 'Thank you! Your order is on its way';
    const charged = shown.captured !== undefined ? money(shown.captured, currency) : total;
    const refunded = shown.refunded ?? 0;
    const words = refunded > 0
      ? `Your order has been sent: ${charged} was charged and ${money(refunded, currency)} refunded through Vipps MobilePay (${money((shown.captured ?? 0) - refunded, currency)} in all).`
      : `Your order has been sent and ${charged} was charged through Vipps MobilePay.`;
    return { title, html: `${heading(title)}<p>${esc(words)}</p>${summary}${back}` };
  }
  // Needs attention says nothing about the payment: "confirmed" only when it is known to be authorized.
  if (shown.status === 'NEEDS_ATTENTION' && !((shown.authorized ?? 0) > 0)) {
    const title = 'The shop is looking at your order';
    return { title, html: `${heading(title)}<p class="notice">Something needs a look before your order goes further; the shop will be in touch. You are charged only for what is sent.</p>${summary}${back}` };
  }
  if (isIn(CONFIRMED_STATUSES, shown.status)) {
    const title = 'Thank you! Your order is confirmed';
    return { title, html: `${heading(title)}<p>${esc(total)} is reserved in Vipps MobilePay. You are charged only when your order is sent.</p>${summary}${back}` };
  }
  if (shown.status === 'PENDING_PAYMENT') {
    const title = 'Waiting for your payment';
    return {
      title,
      html: `${heading(title)}<p class="notice">Approve the payment in Vipps MobilePay. This page updates by itself when it is done.</p>${summary}`,
      refresh: { seconds: AUTO_REFRESH_SECONDS, url: returnPath(opts.pageSecret, shown.orderId, true, salesUnit) },
    };
  }
  if (shown.status === 'CANCELLED') {
    const title = 'Your order was cancelled';
    return { title, html: `${heading(title)}<p>The reserved amount has been released in Vipps MobilePay. You have not been charged.</p>${summary}${back}` };
  }
  if (shown.status === 'PAYMENT_FAILED') {
    const title = 'The payment was not completed';
    return { title, html: `${heading(title)}<p>${esc(notPaidReason(shown.paymentState))} You have not been charged.</p>${summary}${back}` };
  }
  const title = 'We are looking at your order';
  return { title, html: `${heading(title)}<p class="notice">We could not tell the state of your payment just now. This page updates by itself.</p>${summary}`, refresh: { seconds: 10 } };
}

const html = z.string().meta({ description: 'an HTML page' });

const returnPageSchema = {
  operationId: 'customerReturnPage',
  summary: 'Where Vipps sends the customer back: the order confirmation',
  description:
    'Shows confirmed / waiting / cancelled and released / not completed, with the total and a way back to the shop. ' +
    'The first visit while the payment is pending wakes the order once (at most once per order per 30 s) and waits for its look at the payment; ' +
    'the page then refreshes itself with `auto=1`, which only reads. No API key: the customer’s browser calls it, with the token `t` of the link ' +
    'the order gave Vipps (an HMAC of the order id); without a valid token the page is the unknown-order page and nothing is read or woken.',
  tags: ['Customer'],
  params: z.object({ orderId: OrderId }),
  querystring: z.object({
    t: z.string().optional().meta({ description: 'the link’s token: only this order’s return URL has it' }),
    auto: z.string().optional().meta({ description: '`1` is set by the page’s own refresh: read only, never wake the order; other values are a normal visit' }),
  }),
  response: {
    200: { description: 'the page', content: { 'text/html': { schema: html } } },
    400: { description: 'the link is not valid', content: { 'text/html': { schema: html } } },
    404: { description: 'no such order, or not this link’s token (the same page: it tells nothing about the order)', content: { 'text/html': { schema: html } } },
    503: { description: 'Temporal is not reachable; the page refreshes itself', content: { 'text/html': { schema: html } } },
  },
};

/**
 * Where Vipps sends the customer back. The visit is only a hint: it wakes the order, which asks
 * Vipps (getPayment) itself, and the page waits for that one look. It never polls the order: its
 * own refreshes read the order's description (status and summary), which costs no Action, and a
 * settled order is read from its result.
 */
export default function returnPage(parent: FastifyInstance, opts: ReturnPageOptions): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const visits = new ReturnVisits(opts.wakeIntervalMs ?? 30_000);
  const send = (reply: FastifyReply, status: number, title: string, body: string, refresh?: Refresh) =>
    // no-referrer: the token must not travel to the shop's page behind "Back to the shop".
    reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').send(page(title, body, refresh ? { refresh } : {}));
  const unknown = (reply: FastifyReply, status: number, why: string) => send(reply, status, 'Unknown order', `<h1>Unknown order</h1><p>${why}</p>${opts.shopUrl ? `<p><a href="${esc(opts.shopUrl)}">Back to ${esc(opts.merchantName)}</a></p>` : ''}`);

  const show = async (request: FastifyRequest, reply: FastifyReply, salesUnit: string | undefined) => {
    const parsed = OrderId.safeParse((request.params as { orderId?: unknown }).orderId);
    if (!parsed.success) return unknown(reply, 400, 'The link is not valid.');
    const orderId = parsed.data;
    const query = request.query as { auto?: unknown; t?: unknown };
    // Before anything is read: a wrong token gets the same page as an order that does not exist.
    if (!returnTokenMatches(opts.pageSecret, orderId, query.t, salesUnit)) return unknown(reply, 404, 'We could not find this order.');
    const autoRefresh = query.auto === '1';
    try {
      const orders = salesUnit === undefined ? opts.orders : opts.orders.forUnit(salesUnit);
      const glance = await orders.glance(orderId);
      if (!glance) return unknown(reply, 404, 'We could not find this order.');
      let shown: Shown;
      if (!glance.running) shown = fromView(await orders.getOrder(orderId));
      else if (isIn(FINAL_STATUSES, glance.status) || (glance.status === 'PENDING_PAYMENT' && !autoRefresh && visits.mayWake(`${salesUnit ?? ''}:${orderId}`))) {
        // Settled but not yet closed: customerReturned waits (free) for the result, which says why.
        const view = await orders.customerReturned(orderId, opts.waitMs);
        shown = view ? fromView(view) : fromGlance(glance);
      } else shown = fromGlance(glance);
      const { title, html: body, refresh } = render(shown, opts, salesUnit);
      return send(reply, 200, title, body, refresh);
    } catch (err) {
      if (err instanceof OrderCommandError && err.code === 'order_not_found') return unknown(reply, 404, 'We could not find this order.');
      if (err instanceof OrderCommandError && err.httpStatus === 503) {
        return send(reply, 503, 'Please wait', '<h1>Please wait</h1><p class="notice">We could not look up your order just now. This page updates by itself.</p>', { seconds: 5 });
      }
      throw err;
    }
  };

  // The HTML page answers a bad link itself (documentOnly): a JSON error is no use to a customer.
  app.get('/orders/:orderId/return', { schema: returnPageSchema, validatorCompiler: documentOnly }, (request, reply) => show(request, reply, undefined));
  // An order of one sales unit (SALES_UNITS_FILE): its return link names the unit.
  if (opts.orders.units?.fromFile) {
    app.get(
      '/sales-units/:salesUnit/orders/:orderId/return',
      { schema: { ...returnPageSchema, operationId: 'customerReturnPageInSalesUnit', params: z.object({ salesUnit: z.string(), orderId: OrderId }) }, validatorCompiler: documentOnly },
      (request, reply) => show(request, reply, String((request.params as { salesUnit: unknown }).salesUnit)),
    );
  }
}
