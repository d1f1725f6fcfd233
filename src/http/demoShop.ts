import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { OrderCommandError } from '../orders/errors';
import type { OrderClient, OrderSummary } from '../orders/orderClient';
import { OrderId, type OrderView } from '../workflows/messages';

function orderIdFrom(params: unknown): string {
  const parsed = OrderId.safeParse((params as { orderId?: unknown }).orderId);
  if (!parsed.success) throw new OrderCommandError('invalid_command', `orderId: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
import { esc, money, page } from './html';

export interface DemoShopOptions {
  orders: OrderClient;
  /** Link target for "open in Temporal UI"; none when the UI is not known. */
  temporalUiUrl?: string;
  namespace: string;
}

/** The demo catalogue: two products and a shipping line, prices in øre (25 % VAT included). */
const PRODUCTS = [
  { id: 'wool-socks', name: 'Wool socks', price: 29_900 },
  { id: 'knitted-scarf', name: 'Knitted scarf', price: 44_900 },
] as const;
const SHIPPING = { id: 'shipping', name: 'Shipping', price: 4_900 };

function orderLine(id: string, name: string, quantity: number, unitPrice: number, isShipping = false) {
  const total = unitPrice * quantity;
  const tax = Math.round(total / 5); // 25 % VAT on the net price is one fifth of the gross price
  return { id, name, totalAmount: total, totalAmountExcludingTax: total - tax, totalTaxAmount: tax, taxRate: 2500, unitInfo: { unitPrice, quantity: String(quantity), quantityUnit: 'PCS' as const }, ...(isShipping && { isShipping: true }) };
}

const Quantity = z.coerce.number().int().min(0).max(10).default(0);
const Checkout = z.object({ 'wool-socks': Quantity, 'knitted-scarf': Quantity });
const RefundForm = z.object({ amount: z.string().regex(/^\d+([.,]\d{1,2})?$/, 'amount: write it like 49.50') });

const STATUS_CLASS: Record<string, string> = { COMPLETED: 'ok', AWAITING_SHIPMENT: 'wait', PARTIALLY_SHIPPED: 'wait', PENDING_PAYMENT: 'wait', NEEDS_ATTENTION: 'bad', PAYMENT_FAILED: 'bad', CANCELLED: '' };

function statusBadge(status: string): string {
  return `<span class="status ${STATUS_CLASS[status] ?? ''}" data-testid="status">${esc(status)}</span>`;
}

function productPage(): string {
  const rows = PRODUCTS.map(
    (p) => `<tr><td>${esc(p.name)}</td><td>${esc(money(p.price, 'NOK'))}</td>
      <td><input type="number" name="${p.id}" id="qty-${p.id}" min="0" max="10" value="1" aria-label="Quantity of ${esc(p.name)}"></td></tr>`,
  ).join('');
  return page(
    'Demo shop',
    `<h1>The Knitting Shop <span class="muted">(demo)</span></h1>
     <form method="post" action="/shop/checkout">
       <table><tr><th>Product</th><th>Price</th><th>Quantity</th></tr>${rows}
       <tr><td>${esc(SHIPPING.name)}</td><td>${esc(money(SHIPPING.price, 'NOK'))}</td><td></td></tr></table>
       <button type="submit" id="pay-with-vipps">Pay with Vipps MobilePay</button>
     </form>
     <p class="muted"><a href="/merchant">Merchant page</a> · the payment runs against the ${'Vipps MobilePay'} emulator unless configured otherwise.</p>`,
  );
}

function actionForms(o: OrderSummary, view: OrderView | undefined): string {
  const id = esc(o.orderId);
  const status = view?.status ?? o.status;
  const forms: string[] = [];
  if (['AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION'].includes(status) && (view?.orderLines.some((l) => l.state === 'OPEN') ?? true)) {
    forms.push(`<form class="inline" method="post" action="/merchant/orders/${id}/ship"><button class="small" data-action="ship">Mark shipped</button></form>`);
  }
  if (['PENDING_PAYMENT', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION'].includes(status)) {
    forms.push(`<form class="inline" method="post" action="/merchant/orders/${id}/cancel"><button class="small secondary" data-action="cancel">Cancel</button></form>`);
  }
  if (view && view.payment.aggregate.captured > view.payment.aggregate.refunded) {
    const left = view.payment.aggregate.captured - view.payment.aggregate.refunded;
    forms.push(`<form class="inline" method="post" action="/merchant/orders/${id}/refund">
      <input name="amount" aria-label="Refund amount" value="${esc((left / 100).toFixed(2))}"><button class="small secondary" data-action="refund">Refund</button></form>`);
  }
  return forms.join(' ');
}

/**
 * The demo shop (DEMO_SHOP=true): a product page whose button places an order and sends the
 * browser to the Vipps landing page, and a merchant page whose buttons ship, cancel and refund.
 * The merchant actions go through the same OrderClient methods as the order API, server-side, so
 * the API key never reaches a browser.
 */
export default function demoShop(app: FastifyInstance, opts: DemoShopOptions): void {
  const { orders } = opts;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
  const back = (reply: FastifyReply, message: string) => reply.redirect(`/merchant?msg=${encodeURIComponent(message)}`, 303);

  app.get('/', (_request, reply) => html(reply, 200, productPage()));

  app.post('/shop/checkout', async (request, reply) => {
    const parsed = Checkout.safeParse(request.body ?? {});
    if (!parsed.success) return html(reply, 400, page('Checkout', '<h1>Checkout</h1><p>Quantities must be whole numbers from 0 to 10.</p><p><a href="/">Back</a></p>'));
    const lines = PRODUCTS.filter((p) => (parsed.data[p.id] ?? 0) > 0).map((p) => orderLine(p.id, p.name, parsed.data[p.id] ?? 0, p.price));
    if (lines.length === 0) return html(reply, 400, page('Checkout', '<h1>Checkout</h1><p>Choose at least one product.</p><p><a href="/">Back</a></p>'));
    lines.push(orderLine(SHIPPING.id, SHIPPING.name, 1, SHIPPING.price, true));
    const total = lines.reduce((sum, l) => sum + l.totalAmount, 0);
    const orderId = `shop-${Date.now()}-${randomBytes(3).toString('hex')}`;
    const placed = await orders.placeOrder({ orderId, amount: { value: total, currency: 'NOK' }, description: 'The Knitting Shop order', orderLines: lines });
    return reply.redirect(placed.redirectUrl, 303);
  });

  app.get('/merchant', async (request, reply) => {
    const msg = (request.query as { msg?: string }).msg;
    const list = await orders.listRecentOrders(20);
    // Visibility lags a little behind; the live view comes from each order's query.
    const views = await Promise.all(list.map((o) => orders.getOrder(o.orderId).catch(() => undefined)));
    const rows = list
      .map((o, i) => {
        const view = views[i];
        const amount = view ? money(view.amount.value, view.amount.currency) : o.amountMinor !== undefined ? money(o.amountMinor, 'NOK') : '';
        const captured = view ? money(view.payment.aggregate.captured, view.amount.currency) : '';
        const refunded = view ? money(view.payment.aggregate.refunded, view.amount.currency) : '';
        const ui = opts.temporalUiUrl ? ` · <a href="${esc(`${opts.temporalUiUrl}/namespaces/${opts.namespace}/workflows/${o.workflowId}`)}">Temporal UI</a>` : '';
        return `<tr data-order-id="${esc(o.orderId)}"><td><a href="/merchant/orders/${esc(o.orderId)}">${esc(o.orderId)}</a>${ui}</td>
          <td>${statusBadge(view?.status ?? o.status)}${view?.alerts.length ? `<br><span class="muted">${esc(view.alerts.join(', '))}</span>` : ''}</td>
          <td>${esc(amount)}</td><td>${esc(captured)}</td><td>${esc(refunded)}</td><td>${actionForms(o, view)}</td></tr>`;
      })
      .join('');
    return html(
      reply,
      200,
      page(
        'Merchant',
        `<h1>Orders</h1>${msg ? `<p class="notice" id="message">${esc(msg)}</p>` : ''}
         <table><tr><th>Order</th><th>Status</th><th>Amount</th><th>Captured</th><th>Refunded</th><th></th></tr>${rows || '<tr><td colspan="6">No orders yet.</td></tr>'}</table>
         <p class="muted"><a href="/">Shop</a> · <a href="/merchant">Refresh</a></p>`,
      ),
    );
  });

  app.get('/merchant/orders/:orderId', async (request, reply) => {
    const orderId = orderIdFrom(request.params);
    const view = await orders.getOrder(orderId);
    const timeline = view.timeline.map((t) => `<tr><td class="muted">${esc(t.at)}</td><td>${esc(t.step)}</td><td>${esc(t.detail ?? '')}</td></tr>`).join('');
    return html(
      reply,
      200,
      page(
        `Order ${orderId}`,
        `<h1>Order ${esc(orderId)} ${statusBadge(view.status)}</h1>
         <p>Waiting for: ${esc(view.waitingFor)}</p>
         <pre>${esc(JSON.stringify({ payment: view.payment, shipments: view.shipments, refunds: view.refunds, alerts: view.alerts, lastError: view.lastError }, null, 2))}</pre>
         <h2>Timeline</h2><table>${timeline}</table><p><a href="/merchant">Back</a></p>`,
      ),
    );
  });

  const act = (path: string, run: (orderId: string, body: Record<string, string>) => Promise<string>) =>
    app.post(`/merchant/orders/:orderId/${path}`, async (request, reply) => {
      const orderId = orderIdFrom(request.params);
      try {
        return back(reply, await run(orderId, (request.body ?? {}) as Record<string, string>));
      } catch (err) {
        if (err instanceof OrderCommandError) return back(reply, `${orderId}: ${err.message}`);
        throw err;
      }
    });

  act('ship', async (orderId) => {
    const { order } = await orders.ship(orderId, { shipmentId: `ship-${Date.now()}` });
    return `${orderId}: shipped, now ${order.status} (captured ${money(order.payment.aggregate.captured, order.amount.currency)})`;
  });
  act('cancel', async (orderId) => {
    const { order } = await orders.cancel(orderId, { reason: 'cancelled on the merchant page' });
    return `${orderId}: now ${order.status}`;
  });
  act('refund', async (orderId, body) => {
    const form = RefundForm.safeParse(body);
    if (!form.success) return `${orderId}: ${form.error.issues[0]?.message ?? 'invalid amount'}`;
    const value = Math.round(Number(form.data.amount.replace(',', '.')) * 100);
    const { order } = await orders.refund(orderId, { refundId: `refund-${Date.now()}`, amount: { value, currency: 'NOK' } });
    return `${orderId}: refunded ${money(value, 'NOK')} (total refunded ${money(order.payment.aggregate.refunded, order.amount.currency)})`;
  });
}
