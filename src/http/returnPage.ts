import type { FastifyInstance } from 'fastify';
import type { OrderClient } from '../orders/orderClient';
import { OrderCommandError } from '../orders/errors';
import { OrderId, type OrderView } from '../workflows/messages';
import { CONFIRMED_STATUSES, isIn } from '../workflows/statusGroups';
import { esc, money, page } from './html';

export interface ReturnPageOptions {
  orders: OrderClient;
  waitMs: number;
}


function render(view: OrderView): { html: string; title: string } {
  const amount = money(view.amount.value, view.amount.currency);
  const back = view.shopReturnUrl ? `<p><a class="button" id="continue" href="${esc(view.shopReturnUrl)}">Continue to the shop</a></p>` : '';
  const lines = view.orderLines.map((l) => `<tr><td>${esc(l.name)}</td><td>${esc(money(l.totalAmount, view.amount.currency))}</td></tr>`).join('');
  if (isIn(CONFIRMED_STATUSES, view.status)) {
    const title = 'Order confirmed';
    return {
      title,
      html: `<h1 id="result" data-status="${esc(view.status)}">${title}</h1>
        <p>Thank you! Your payment of <strong id="amount">${esc(amount)}</strong> is reserved with Vipps MobilePay; you are charged when the order ships.</p>
        <p class="muted">Order <span id="order-id">${esc(view.orderId)}</span></p>
        <table><tr><th>Item</th><th>Total</th></tr>${lines}</table>${back}`,
    };
  }
  if (view.status === 'PENDING_PAYMENT') {
    const title = 'Waiting for Vipps MobilePay';
    return {
      title,
      html: `<h1 id="result" data-status="PENDING_PAYMENT">${title}</h1>
        <p class="notice">We have not received the confirmation yet. This page refreshes by itself.</p>
        <p class="muted">Order <span id="order-id">${esc(view.orderId)}</span></p>`,
    };
  }
  const title = view.status === 'CANCELLED' ? 'Order cancelled' : 'Payment not completed';
  return {
    title,
    html: `<h1 id="result" data-status="${esc(view.status)}">${title}</h1>
      <p>${esc(view.failureReason ?? 'The payment was not completed.')}. You have not been charged.</p>
      <p class="muted">Order <span id="order-id">${esc(view.orderId)}</span></p>${back}`,
  };
}

/**
 * Where Vipps sends the customer back. The visit is only a hint: it wakes the order, which asks
 * Vipps (getPayment) itself; the page then shows what the order knows, waiting briefly for it.
 */
export default function returnPage(app: FastifyInstance, opts: ReturnPageOptions): void {
  app.get('/orders/:orderId/return', async (request, reply) => {
    const parsed = OrderId.safeParse((request.params as { orderId?: string }).orderId);
    reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store');
    if (!parsed.success) return reply.code(400).send(page('Unknown order', '<h1>Unknown order</h1><p>The link is not valid.</p>'));
    const orderId = parsed.data;
    try {
      // One wake-up at most, and only while the payment is pending: the order then looks at the
      // payment once and answers with the view after that look.
      const view = await opts.orders.customerReturned(orderId, opts.waitMs);
      if (!view) return reply.code(404).send(page('Unknown order', '<h1>Unknown order</h1><p>We could not find this order.</p>'));
      const { html, title } = render(view);
      return reply.send(page(title, html, view.status === 'PENDING_PAYMENT' ? { refreshSeconds: 3 } : {}));
    } catch (err) {
      if (err instanceof OrderCommandError && err.code === 'order_not_found') {
        return reply.code(404).send(page('Unknown order', '<h1>Unknown order</h1><p>We could not find this order.</p>'));
      }
      if (err instanceof OrderCommandError && err.httpStatus === 503) {
        return reply.code(503).send(page('Please wait', '<h1>Please wait</h1><p class="notice">We could not look up your order just now. This page refreshes by itself.</p>', { refreshSeconds: 5 }));
      }
      throw err;
    }
  });
}
