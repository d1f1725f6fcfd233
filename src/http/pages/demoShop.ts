import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { OrderClient } from '../../orders/orderClient';
import { demoPageSchema, esc, money, page } from './html';
import merchantPages from '../merchant/merchantPages';

export interface DemoShopOptions {
  orders: OrderClient;
  /** Link target for "open in Temporal UI"; none when the UI is not known. */
  temporalUiUrl?: string;
  namespace: string;
  merchantName: string;
  currency: string;
  /** The merchant pages' login: the key, and what signs its cookies (PAGE_SECRET). */
  apiKey: string;
  pageSecret: string;
  publicUrl: string;
}

/** The demo catalogue: two products and a shipping line, prices in minor units (25 % VAT included). */
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

function productPage(name: string, currency: string): string {
  const rows = PRODUCTS.map(
    (p) => `<tr><td>${esc(p.name)}</td><td>${esc(money(p.price, currency))}</td>
      <td><input type="number" name="${p.id}" id="qty-${p.id}" min="0" max="10" value="1" aria-label="Quantity of ${esc(p.name)}"></td></tr>`,
  ).join('');
  return page(
    name,
    `<h1>${esc(name)} <span class="muted">(demo)</span></h1>
     <form method="post" action="/shop/checkout">
       <table><tr><th>Product</th><th>Price</th><th>Quantity</th></tr>${rows}
       <tr><td>${esc(SHIPPING.name)}</td><td>${esc(money(SHIPPING.price, currency))}</td><td></td></tr></table>
       <button type="submit" id="pay-with-vipps">Pay with Vipps MobilePay</button>
     </form>
     <p class="muted"><a href="/merchant">Merchant page</a> (log in with the API key) · the payment runs against the Vipps MobilePay emulator unless configured otherwise.</p>`,
  );
}

/**
 * The demo shop (DEMO_SHOP=true): a product page whose button places an order and sends the
 * browser to the Vipps landing page, and the merchant's pages.
 */
export default async function demoShop(app: FastifyInstance, opts: DemoShopOptions): Promise<void> {
  const { orders } = opts;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
  const doc = (summary: string, ...statuses: number[]) => demoPageSchema(summary, statuses);

  app.get('/', { schema: doc('The demo shop', 200) }, (_request, reply) => html(reply, 200, productPage(opts.merchantName, opts.currency)));

  app.post('/shop/checkout', { schema: doc('The demo shop’s "Pay with Vipps MobilePay": places an order, redirects to Vipps', 303, 400) }, async (request, reply) => {
    const parsed = Checkout.safeParse(request.body ?? {});
    if (!parsed.success) return html(reply, 400, page('Checkout', '<h1>Checkout</h1><p>Quantities must be whole numbers from 0 to 10.</p><p><a href="/">Back</a></p>'));
    const lines = PRODUCTS.filter((p) => (parsed.data[p.id] ?? 0) > 0).map((p) => orderLine(p.id, p.name, parsed.data[p.id] ?? 0, p.price));
    if (lines.length === 0) return html(reply, 400, page('Checkout', '<h1>Checkout</h1><p>Choose at least one product.</p><p><a href="/">Back</a></p>'));
    lines.push(orderLine(SHIPPING.id, SHIPPING.name, 1, SHIPPING.price, true));
    const total = lines.reduce((sum, l) => sum + l.totalAmount, 0);
    const orderId = `shop-${Date.now()}-${randomBytes(3).toString('hex')}`;
    const placed = await orders.placeOrder({ orderId, amount: { value: total, currency: opts.currency }, description: `${opts.merchantName} order`.slice(0, 100), orderLines: lines });
    return reply.redirect(placed.redirectUrl, 303);
  });

  await app.register(merchantPages, {
    orders,
    currency: opts.currency,
    namespace: opts.namespace,
    apiKey: opts.apiKey,
    pageSecret: opts.pageSecret,
    publicUrl: opts.publicUrl,
    ...(opts.temporalUiUrl && { temporalUiUrl: opts.temporalUiUrl }),
  });
}
