import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { OrderClient } from '../../orders/orderClient';
import { demoPageSchema, esc, page } from './html';
import { amountPattern } from './i18n/format';
import type { Locale } from './i18n/locales';
import { pageLanguage, shownBrand, type PageLanguage } from './i18n/pageLanguage';
import merchantPages from '../merchant/merchantPages';
import type { SettlementClient } from '../../settlement/settlementClient';

export interface DemoShopOptions {
  /** The first unit's orders: what the shop sells through unless `?unit=` names another. */
  orders: OrderClient;
  /** With several sales units, each unit's client: the shop sells through the one chosen. */
  units?: OrderClient[];
  /** Link target for "open in Temporal UI"; none when the UI is not known. */
  temporalUiUrl?: string;
  namespace: string;
  merchantName: string;
  currency: string;
  /** The merchant pages' login: the key, and what signs its cookies (PAGE_SECRET). */
  apiKey: string;
  pageSecret: string;
  publicUrl: string;
  /** Settlement reconciliation: the merchant pages then have payout pages. */
  settlements?: SettlementClient;
}

interface Product {
  id: string;
  price: number;
  name: Record<Locale, string>;
}

/** The demo catalogue: two products and a shipping line, prices in minor units (25 % VAT included), names in every locale. */
const PRODUCTS = [
  { id: 'wool-socks', price: 29_900, name: { nb: 'Ullsokker', da: 'Uldsokker', fi: 'Villasukat', en: 'Wool socks' } },
  { id: 'knitted-scarf', price: 44_900, name: { nb: 'Strikket skjerf', da: 'Strikket halstørklæde', fi: 'Neulottu kaulahuivi', en: 'Knitted scarf' } },
] as const satisfies readonly Product[];
const SHIPPING: Product = { id: 'shipping', price: 4_900, name: { nb: 'Frakt', da: 'Fragt', fi: 'Toimitus', en: 'Shipping' } };

function orderLine(id: string, name: string, quantity: number, unitPrice: number, isShipping = false) {
  const total = unitPrice * quantity;
  const tax = Math.round(total / 5); // 25 % VAT on the net price is one fifth of the gross price
  return { id, name, totalAmount: total, totalAmountExcludingTax: total - tax, totalTaxAmount: tax, taxRate: 2500, unitInfo: { unitPrice, quantity: String(quantity), quantityUnit: 'PCS' as const }, ...(isShipping && { isShipping: true }) };
}

const Quantity = z.coerce.number().int().min(0).max(10).default(0);
const Checkout = z.object({ 'wool-socks': Quantity, 'knitted-scarf': Quantity });
type Quantities = z.infer<typeof Checkout>;

/** The cart the page shows: one of each on a first visit, or what the form without script sent back. */
function shownQuantities(query: unknown): Quantities {
  const sent = Checkout.safeParse(query ?? {});
  const any = typeof query === 'object' && query !== null && PRODUCTS.some((p) => p.id in query);
  return any && sent.success ? sent.data : { 'wool-socks': 1, 'knitted-scarf': 1 };
}

/** Products and, when there are any, shipping. */
function cartTotal(quantities: Quantities): number {
  const products = PRODUCTS.reduce((sum, p) => sum + p.price * quantities[p.id], 0);
  return products > 0 ? products + SHIPPING.price : 0;
}

/**
 * Totals the cart as the customer changes it, in the locale's way of writing amounts that the
 * server hands over (data-format). Without script the form's "update total" button asks the server.
 */
const CART_SCRIPT = `(() => {
  const total = document.getElementById('total');
  const p = JSON.parse(total.dataset.format);
  const inputs = [...document.querySelectorAll('#cart input[data-price]')];
  const write = (minor) => {
    const [whole, fraction] = (minor / 10 ** p.digits).toFixed(p.digits).split('.');
    return p.before + whole.replace(/\\B(?=(\\d{3})+(?!\\d))/g, p.group) + (fraction ? p.decimal + fraction : '') + p.after;
  };
  const update = () => {
    let sum = 0;
    for (const input of inputs) {
      const q = Number(input.value);
      if (Number.isInteger(q) && q > 0 && q <= 10) sum += q * Number(input.dataset.price);
    }
    total.textContent = write(sum > 0 ? sum + Number(total.dataset.shipping) : 0);
  };
  for (const input of inputs) input.addEventListener('input', update);
})();`;

/** The shop's choice of sales unit, as links (the page is one unit's: its currency, language and brand). */
function unitChoice(lang: PageLanguage, units: readonly OrderClient[], current: OrderClient): string {
  if (units.length < 2) return '';
  const links = units.map((u) => {
    const unit = u.salesUnit!;
    const label = `${unit.name}: ${shownBrand(unit)} (${unit.currency ?? 'NOK'})`;
    return u === current ? `<strong aria-current="page">${esc(label)}</strong>` : `<a href="/?unit=${encodeURIComponent(unit.name)}">${esc(label)}</a>`;
  });
  return `<p id="units">${esc(lang.t.shop.salesUnit)}: ${links.join(' · ')}</p>`;
}

function productPage(lang: PageLanguage, name: string, currency: string, quantities: Quantities, units: readonly OrderClient[], current: OrderClient): string {
  const { t, locale } = lang;
  const unit = current.salesUnit && units.length > 1 ? `<input type="hidden" name="unit" value="${esc(current.salesUnit.name)}">` : '';
  const rows = PRODUCTS.map(
    (p) => `<tr><td>${esc(p.name[locale])}</td><td class="amount">${esc(lang.amount(p.price, currency))}</td>
      <td><input type="number" name="${p.id}" id="qty-${p.id}" min="0" max="10" value="${quantities[p.id]}" data-price="${p.price}" aria-label="${esc(t.shop.quantityOf(p.name[locale]))}"></td></tr>`,
  ).join('');
  const format = JSON.stringify(amountPattern(locale, currency));
  return page(
    name,
    `<h1>${esc(name)} <span class="muted">(${esc(t.shop.demo)})</span></h1>
     ${unitChoice(lang, units, current)}
     <form method="post" action="/shop/checkout" id="cart">${unit}
       <table><tr><th>${esc(t.shop.product)}</th><th class="amount">${esc(t.table.price)}</th><th>${esc(t.shop.quantity)}</th></tr>${rows}
       <tr><td>${esc(SHIPPING.name[locale])}</td><td class="amount">${esc(lang.amount(SHIPPING.price, currency))}</td><td></td></tr>
       <tr class="sum"><td><strong>${esc(t.table.total)}</strong></td><td class="amount total" id="total" data-shipping="${SHIPPING.price}" data-format="${esc(format)}">${esc(lang.amount(cartTotal(quantities), currency))}</td><td></td></tr></table>
       <p class="actions"><button type="submit" id="pay-with-vipps">${esc(t.shop.pay(lang.brand))}</button>
       <noscript><button type="submit" class="secondary" id="update-total" formaction="/" formmethod="get">${esc(t.shop.updateTotal)}</button></noscript></p>
     </form>
     <p class="muted"><a href="/merchant">${esc(t.shop.merchantPage)}</a> ${esc(t.shop.merchantNote)}</p>
     <script>${CART_SCRIPT}</script>`,
    { lang: locale },
  );
}

/**
 * The demo shop (DEMO_SHOP=true): a product page whose button places an order and sends the
 * browser to the Vipps landing page, and the merchant's pages.
 */
export default async function demoShop(app: FastifyInstance, opts: DemoShopOptions): Promise<void> {
  const { orders } = opts;
  const units = opts.units ?? [];
  // `unit` from the query (the page) or the form (checkout); an unknown one is a 400, not another unit's shop.
  const chosen = (source: unknown): OrderClient | undefined => {
    const name = (source as { unit?: unknown } | null)?.unit;
    if (name === undefined || name === '') return orders;
    return units.find((u) => u.salesUnit?.name === name);
  };
  const unknownUnit = () => `unit: must be one of ${units.map((u) => u.salesUnit!.name).join(', ')}`;
  const currencyOf = (client: OrderClient) => client.salesUnit?.currency ?? opts.currency;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const languageOf = (request: FastifyRequest, client: OrderClient = orders) => pageLanguage(request.headers['accept-language'], client.salesUnit);
  const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').header('Vary', 'Accept-Language').send(body);
  const refused = (reply: FastifyReply, lang: PageLanguage, why: string) => {
    const { checkout, back } = lang.t.shop;
    return html(reply, 400, page(checkout, `<h1>${esc(checkout)}</h1><p>${esc(why)}</p><p><a href="/">${esc(back)}</a></p>`, { lang: lang.locale }));
  };
  const doc = (summary: string, ...statuses: number[]) => demoPageSchema(summary, statuses);

  app.get('/', { schema: doc('The demo shop (`?unit=` one of the sales units)', 200, 400) }, (request, reply) => {
    const client = chosen(request.query);
    if (!client) return refused(reply, languageOf(request), unknownUnit());
    return html(reply, 200, productPage(languageOf(request, client), opts.merchantName, currencyOf(client), shownQuantities(request.query), units, client));
  });

  app.post('/shop/checkout', { schema: doc('The demo shop’s "Pay with Vipps MobilePay": places an order, redirects to Vipps', 303, 400) }, async (request, reply) => {
    // The same browser asks in the same language, so the order's lines are named as the page named them.
    const client = chosen(request.body);
    if (!client) return refused(reply, languageOf(request), unknownUnit());
    const lang = languageOf(request, client);
    const parsed = Checkout.safeParse(request.body ?? {});
    if (!parsed.success) return refused(reply, lang, lang.t.shop.badQuantities);
    const lines = PRODUCTS.filter((p) => parsed.data[p.id] > 0).map((p) => orderLine(p.id, p.name[lang.locale], parsed.data[p.id], p.price));
    if (lines.length === 0) return refused(reply, lang, lang.t.shop.nothingChosen);
    lines.push(orderLine(SHIPPING.id, SHIPPING.name[lang.locale], 1, SHIPPING.price, true));
    const total = lines.reduce((sum, l) => sum + l.totalAmount, 0);
    const orderId = `shop-${Date.now()}-${randomBytes(3).toString('hex')}`;
    const description = lang.t.shop.orderDescription(opts.merchantName).slice(0, 100);
    const placed = await client.placeOrder({ orderId, ...(client.units?.fromFile && client.salesUnit && { salesUnit: client.salesUnit.name }), amount: { value: total, currency: currencyOf(client) }, description, orderLines: lines });
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
    ...(opts.settlements && { settlements: opts.settlements }),
  });
}
