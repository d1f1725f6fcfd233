import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OrderCommandError } from '../../orders/errors';
import type { OrderClient } from '../../orders/orderClient';
import { OrderId } from '../../workflows/messages';
import { FINAL_STATUSES, isIn } from '../../workflows/messages/statusGroups';
import { returnPath, returnTokenMatches } from '../../security/returnLinks';
import { esc, page, type Refresh } from './html';
import { pageLanguage, type PageLanguage } from './i18n/pageLanguage';
import { PaymentLinks } from './paymentLinks';
import { fromGlance, fromView, renderReturnPage, type Shown } from './returnView';
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

const html = z.string().meta({ description: 'an HTML page' });

const returnPageSchema = {
  operationId: 'customerReturnPage',
  summary: 'Where Vipps sends the customer back: the order confirmation',
  description:
    'Shows confirmed / waiting / cancelled and released / not completed, with the lines, the total and a way back to the shop. ' +
    'In Norwegian, Danish, Finnish or English: the first of those the `Accept-Language` header asks for, else the sales unit’s market language, else English; ' +
    'with the unit’s brand (Vipps or MobilePay; Vipps MobilePay for a unit without a market). ' +
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
  const paymentLinks = new PaymentLinks();
  const send = (reply: FastifyReply, lang: PageLanguage, status: number, title: string, body: string, refresh?: Refresh) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      // no-referrer: the token must not travel to the shop's page behind "Back to the shop".
      .header('Referrer-Policy', 'no-referrer')
      .header('Vary', 'Accept-Language')
      .send(page(title, body, { lang: lang.locale, ...(refresh && { refresh }) }));
  const unknown = (reply: FastifyReply, lang: PageLanguage, status: number, why: string) => {
    const { title } = lang.t.unknownOrder;
    const back = opts.shopUrl ? `<p><a href="${esc(opts.shopUrl)}">${esc(lang.t.backTo(opts.merchantName))}</a></p>` : '';
    return send(reply, lang, status, title, `<h1>${esc(title)}</h1><p>${esc(why)}</p>${back}`);
  };

  const show = async (request: FastifyRequest, reply: FastifyReply, salesUnit: string | undefined) => {
    // The unit comes from the link itself, so its language tells nothing about the order.
    const unit = salesUnit === undefined ? opts.orders.salesUnit : opts.orders.units?.registry.get(salesUnit);
    const lang = pageLanguage(request.headers['accept-language'], unit);
    const parsed = OrderId.safeParse((request.params as { orderId?: unknown }).orderId);
    if (!parsed.success) return unknown(reply, lang, 400, lang.t.unknownOrder.badLink);
    const orderId = parsed.data;
    const query = request.query as { auto?: unknown; t?: unknown };
    // Before anything is read: a wrong token gets the same page as an order that does not exist.
    if (!returnTokenMatches(opts.pageSecret, orderId, query.t, salesUnit)) return unknown(reply, lang, 404, lang.t.unknownOrder.notFound);
    const autoRefresh = query.auto === '1';
    const key = `${salesUnit ?? ''}:${orderId}`;
    try {
      const orders = salesUnit === undefined ? opts.orders : opts.orders.forUnit(salesUnit);
      const glance = await orders.glance(orderId);
      if (!glance) return unknown(reply, lang, 404, lang.t.unknownOrder.notFound);
      let shown: Shown;
      if (!glance.running) shown = fromView(await orders.getOrder(orderId), glance);
      else if (isIn(FINAL_STATUSES, glance.status) || (glance.status === 'PENDING_PAYMENT' && !autoRefresh && visits.mayWake(key))) {
        // Settled but not yet closed: customerReturned waits (free) for the result, which says why.
        const view = await orders.customerReturned(orderId, opts.waitMs);
        shown = view ? fromView(view, glance) : fromGlance(glance);
      } else shown = fromGlance(glance);
      const paymentUrl = paymentLinks.linkFor(key, shown.status === 'PENDING_PAYMENT', shown.paymentUrl);
      if (paymentUrl) shown.paymentUrl = paymentUrl;
      const pendingRefresh = { seconds: AUTO_REFRESH_SECONDS, url: returnPath(opts.pageSecret, orderId, true, salesUnit) };
      const { title, html: body, refresh } = renderReturnPage(shown, { lang, merchantName: opts.merchantName, pendingRefresh, ...(opts.shopUrl && { shopUrl: opts.shopUrl }) });
      return send(reply, lang, 200, title, body, refresh);
    } catch (err) {
      if (err instanceof OrderCommandError && err.code === 'order_not_found') return unknown(reply, lang, 404, lang.t.unknownOrder.notFound);
      if (err instanceof OrderCommandError && err.httpStatus === 503) {
        const { title, text } = lang.t.unavailable;
        return send(reply, lang, 503, title, `<h1>${esc(title)}</h1><p class="notice">${esc(text)}</p>`, { seconds: 5 });
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
