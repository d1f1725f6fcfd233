/**
 * The customer's pages speak the unit's market language with its brand, unless the browser asks
 * for another of ours. The service as it is configured from a sales-unit file (the example's no,
 * dk and fi), over a Temporal client that never connects: the orders' reads are stubbed, the
 * routes, units and pages are the real ones (Fastify inject).
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { loadServiceConfig } from '../../src/config';
import { buildService } from '../../src/http/app';
import type { OrderGlance } from '../../src/orders/orderReads';
import type { OrderClient } from '../../src/orders/orderClient';
import { createOrderClient } from '../../src/orders/factory';
import { returnPath } from '../../src/security/returnLinks';
import type { OrderView } from '../../src/workflows/messages';
import { intlAmount } from '../support/intlAmount';

const env = { LOG_LEVEL: 'silent', DEMO_SHOP: 'true', SALES_UNITS_FILE: join(__dirname, '../../deploy/sales-units.example.yaml') };
const config = loadServiceConfig(env);
let orders: OrderClient;
let app: FastifyInstance;

const da = (minor: number) => intlAmount('da', minor, 'DKK');
const en = (minor: number) => intlAmount('en', minor, 'DKK');

/** An order of the dk unit: two pairs of socks and shipping, DKK 1 247,00 in all. */
const ORDER_ID = 'shop-dk-1';
const lines = [
  { id: 'socks', name: 'Uldsokker', totalAmount: 119_800 },
  { id: 'shipping', name: 'Fragt', totalAmount: 4_900 },
];
const glance = (status: OrderGlance['status'], running: boolean): OrderGlance => ({
  orderId: ORDER_ID,
  status,
  running,
  alerts: [],
  startedAt: '2026-11-28T09:00:00.000Z',
  memo: { requestFingerprint: 'fp', amount: { value: 124_700, currency: 'DKK' }, description: 'Ordre', lines, quantities: { socks: { quantity: '2', unitPrice: 59_900 }, shipping: { quantity: '1', unitPrice: 4_900 } } },
});
const view = (status: OrderView['status'], payment: Partial<OrderView['payment']> = {}) =>
  ({
    orderId: ORDER_ID,
    status,
    amount: { value: 124_700, currency: 'DKK' },
    orderLines: lines.map((l) => ({ ...l, state: 'OPEN' })),
    payment: { reference: ORDER_ID, aggregate: { authorized: 124_700, captured: 0, cancelled: 0, refunded: 0 }, ...payment },
  }) as unknown as OrderView;

beforeAll(async () => {
  orders = createOrderClient(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), env, config);
  app = await buildService({ config, orders });
});

afterAll(() => app?.close());
afterEach(() => jest.restoreAllMocks());

async function visit(url: string, acceptLanguage?: string) {
  const res = await app.inject({ method: 'GET', url, headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
  return { status: res.statusCode, html: res.body, vary: res.headers.vary };
}

describe('the return page of a DK order', () => {
  beforeEach(() => {
    const dk = orders.forUnit('dk');
    jest.spyOn(dk, 'glance').mockResolvedValue(glance('AWAITING_SHIPMENT', false));
    jest.spyOn(dk, 'getOrder').mockResolvedValue(view('AWAITING_SHIPMENT'));
  });
  const url = returnPath(config.pageSecret, ORDER_ID, false, 'dk');

  test('speaks Danish with the MobilePay brand and Danish amounts', async () => {
    const { status, html, vary } = await visit(url);
    expect(status).toBe(200);
    expect(vary).toContain('Accept-Language');
    expect(html).toContain('<html lang="da">');
    expect(html).toContain('Tak! Din ordre er bekræftet');
    expect(html).toContain(`${da(124_700)} er reserveret i MobilePay.`);
    expect(da(124_700)).toMatch(/^1\.247,00\s?kr\.$/);
    expect(html).toContain(`id="amount">${da(124_700)}<`);
    expect(html).toContain(`2 × Uldsokker<div class="muted">${da(59_900)} pr. stk.</div>`);
    expect(html).toContain('<td>Fragt</td>');
    expect(html).not.toMatch(/Vipps|Thank you|reserved/);
  });

  test('a browser that asks for English gets English, still MobilePay, the amounts written the English way', async () => {
    const { html } = await visit(url, 'en-GB,en;q=0.9,da;q=0.5');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Thank you! Your order is confirmed');
    expect(html).toContain(`${en(124_700)} is reserved in MobilePay.`);
    expect(en(124_700)).toMatch(/^DKK\s1,247\.00$/);
    expect(html).toContain(`2 × Uldsokker<div class="muted">${en(59_900)} each</div>`);
    expect(html).not.toContain('Tak!');
  });

  test('a browser asking for a language we do not speak gets the market’s', async () => {
    expect((await visit(url, 'de-DE,de;q=0.9')).html).toContain('<html lang="da">');
    expect((await visit(url, 'fi')).html).toContain('Kiitos! Tilauksesi on vahvistettu');
  });

  test('the unknown-order page speaks the unit’s language too, and tells nothing more', async () => {
    const wrong = await visit(`/sales-units/dk/orders/${ORDER_ID}/return?t=${'A'.repeat(32)}`);
    expect(wrong.status).toBe(404);
    expect(wrong.html).toContain('Ukendt ordre');
    expect(wrong.html).not.toContain('Uldsokker');
  });
});

test('a Finnish order is in Finnish with euros, a Norwegian one in Bokmål with Vipps', async () => {
  const fi = orders.forUnit('fi');
  jest.spyOn(fi, 'glance').mockResolvedValue({ ...glance('CANCELLED', false), memo: { ...glance('CANCELLED', false).memo!, amount: { value: 124_700, currency: 'EUR' } } });
  jest.spyOn(fi, 'getOrder').mockResolvedValue({ ...view('CANCELLED'), amount: { value: 124_700, currency: 'EUR' } });
  const fiPage = (await visit(returnPath(config.pageSecret, ORDER_ID, false, 'fi'))).html;
  expect(fiPage).toContain('<html lang="fi">');
  expect(fiPage).toContain('Tilauksesi on peruttu');
  expect(fiPage).toContain('MobilePay on vapauttanut varatun summan.');
  expect(fiPage).toContain(intlAmount('fi', 124_700, 'EUR'));

  const no = orders.forUnit('no');
  jest.spyOn(no, 'glance').mockResolvedValue(glance('PAYMENT_FAILED', false));
  jest.spyOn(no, 'getOrder').mockResolvedValue(view('PAYMENT_FAILED', { state: 'ABORTED' }));
  const noPage = (await visit(returnPath(config.pageSecret, ORDER_ID, false, 'no'))).html;
  expect(noPage).toContain('<html lang="nb">');
  expect(noPage).toContain('Du avbrøt betalingen i Vipps. Du har ikke blitt belastet.');
});

test('waiting for the payment: a way back to the shop, and the payment’s link from the order’s own answer, kept for the page’s refreshes', async () => {
  const dk = orders.forUnit('dk');
  jest.spyOn(dk, 'glance').mockResolvedValue(glance('PENDING_PAYMENT', true));
  const returned = jest.spyOn(dk, 'customerReturned').mockResolvedValue(view('PENDING_PAYMENT', { redirectUrl: 'https://landing.example/pay?token=abc' }));
  const first = (await visit(returnPath(config.pageSecret, ORDER_ID, false, 'dk'))).html;
  expect(first).toContain('Vi venter på din betaling');
  expect(first).toContain('id="open-payment" href="https://landing.example/pay?token=abc">Åbn betalingen i MobilePay</a>');
  expect(first).toContain(`id="continue" href="${config.shopUrl}">Tilbage til ${config.merchantName}</a>`);
  // The page's own refresh reads the description only: no Update, and the link is still there.
  const again = (await visit(returnPath(config.pageSecret, ORDER_ID, true, 'dk'))).html;
  expect(returned).toHaveBeenCalledTimes(1);
  expect(again).toContain('id="open-payment" href="https://landing.example/pay?token=abc"');
  expect(again).toContain('id="continue"');
});

describe('the demo shop (the file’s first unit, no)', () => {
  test('in Bokmål with Vipps by default, the total of the cart in Norwegian', async () => {
    const nok = (minor: number) => intlAmount('nb', minor, 'NOK');
    const { html } = await visit('/');
    expect(html).toContain('<html lang="nb">');
    expect(html).toContain('Betal med Vipps');
    expect(html).toContain('Ullsokker');
    expect(html).toContain(`id="total" data-shipping="4900"`);
    expect(html).toContain(`>${nok(29_900 + 44_900 + 4_900)}</td>`);
    // Without script, the form asks the server for the total of the quantities it sends.
    const two = (await visit('/?wool-socks=2&knitted-scarf=0')).html;
    expect(two).toContain(`>${nok(2 * 29_900 + 4_900)}</td>`);
    expect(two).toContain('id="qty-wool-socks" min="0" max="10" value="2"');
  });

  test('in Danish for a Danish browser, and the order’s lines are named in the page’s language', async () => {
    expect((await visit('/', 'da-DK,da;q=0.9')).html).toContain('Betal med Vipps');
    const placed = jest.spyOn(orders.forUnit('no'), 'placeOrder').mockResolvedValue({ orderId: 'x', workflowId: 'order-x', redirectUrl: 'https://landing.example/' });
    const res = await app.inject({ method: 'POST', url: '/shop/checkout', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'da' }, payload: 'wool-socks=2&knitted-scarf=0' });
    expect(res.statusCode).toBe(303);
    const sent = placed.mock.calls[0]![0] as { description: string; orderLines: { name: string; unitInfo: { quantity: string } }[] };
    expect(sent.orderLines.map((l) => [l.name, l.unitInfo.quantity])).toEqual([
      ['Uldsokker', '2'],
      ['Fragt', '1'],
    ]);
    expect(sent.description).toBe(`Ordre fra ${config.merchantName}`);
    const refused = await app.inject({ method: 'POST', url: '/shop/checkout', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'fi' }, payload: 'wool-socks=0&knitted-scarf=0' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Valitse vähintään yksi tuote.');
  });
});
