import { VippsClient } from '@vipps-orders/vipps';
import { MARKET_RULES } from '@vipps-orders/vipps/sales-units';
import { pageLanguage } from '../../src/http/pages/i18n/pageLanguage';
import type { OrderView, PlaceOrderResult } from '../../src/workflows/messages';
import type { DemoTarget } from './demoTarget';
import { msnQuery, orderPath, type DemoUnit } from './demoUnits';
import { api, DemoFailure, emulator, money, waitFor } from './orderApi';

export type Say = (text: string) => void;

/** The demo's order: socks and shipping go in the first box, the scarf in the second. */
export const ORDER_TOTAL = 79_700;
export const FIRST_BOX = 29_900 + 4_900;

function line(id: string, name: string, total: number, isShipping = false) {
  const tax = Math.round(total / 5);
  return { id, name, totalAmount: total, totalAmountExcludingTax: total - tax, totalTaxAmount: tax, taxRate: 2500, ...(isShipping && { isShipping: true }) };
}

function orderFor(orderId: string, unit: DemoUnit) {
  return {
    orderId,
    ...(unit.name && { salesUnit: unit.name }),
    amount: { value: ORDER_TOTAL, currency: unit.currency },
    description: 'Demo order: socks and a scarf',
    orderLines: [line('socks', 'Wool socks', 29_900), line('scarf', 'Knitted scarf', 44_900), line('shipping', 'Shipping', 4_900, true)],
  };
}

/** A customer of the unit's market reads the return page in its language; without a market, English. */
async function checkReturnPage(t: DemoTarget, unit: DemoUnit, orderId: string, say: Say): Promise<void> {
  const language = unit.voice.market ? MARKET_RULES[unit.voice.market].language : 'en';
  const expected = pageLanguage(language, unit.voice).t.confirmed.title;
  // The return URL the order gave Vipps (it carries the page's token), as the emulator keeps it.
  const payment = await emulator<{ returnUrl: string }>(t, `/_emulator/payments/${orderId}${msnQuery(unit)}`);
  const returnPage = await (await fetch(payment.returnUrl, { headers: { 'accept-language': language } })).text();
  if (!returnPage.includes(expected)) throw new DemoFailure(`the return page does not show "${expected}"`);
  say(`the return page shows "${expected}"`);
}

/**
 * One order through the unit: placed, approved at the emulator (its test approve endpoint, with
 * the unit's keys), learned of by the order, shown on the return page, given a receipt, and
 * shipped, in two boxes or (a unit that captures in full) one. Answers the order once COMPLETED.
 */
export async function placeAndShip(t: DemoTarget, unit: DemoUnit, orderId: string, say: Say): Promise<OrderView> {
  const path = orderPath(unit, orderId);
  const placed = await api<PlaceOrderResult>(t, 'POST', '/orders', orderFor(orderId, unit));
  say(`order ${orderId} placed (HTTP ${placed.status}); the shop sends the customer to ${placed.json.redirectUrl}`);

  const token = new URL(placed.json.redirectUrl).searchParams.get('token') ?? undefined;
  await new VippsClient(unit.vipps).forceApprove(orderId, token ? { token } : {});
  say('the customer approves the payment (emulator test approve endpoint)');

  const authorized = await waitFor(t, path, 'authorization', (v) => v.status === 'AWAITING_SHIPMENT');
  const how = authorized.timeline.some((e) => e.step === 'webhook AUTHORIZED') ? 'webhook' : 'polling';
  say(`the order learned of it (${how}) and confirmed it with getPayment: ${authorized.status}, capture deadline ${authorized.payment.captureDeadline}`);

  await checkReturnPage(t, unit, orderId, say);

  // The view kept in the memo is not rewritten for the receipt alone: ask the order itself.
  const withReceipt = await waitFor(t, path, 'the receipt', (v) => v.receipt.status !== 'PENDING', { live: true });
  if (withReceipt.receipt.status !== 'ATTACHED') throw new DemoFailure(`receipt ${withReceipt.receipt.status}: ${JSON.stringify(withReceipt.receipt.error)}`);
  say('the receipt is attached through the Order Management API');

  let shipped: OrderView;
  if (unit.partialCapture) {
    const first = await api<OrderView>(t, 'POST', `${path}/shipments`, { shipmentId: 'box-1', orderLineIds: ['socks', 'shipping'] });
    say(`shipment box-1 (socks + shipping): ${first.json.status}, captured ${money(first.json.payment.aggregate.captured, unit.currency)}`);
    shipped = (await api<OrderView>(t, 'POST', `${path}/shipments`, { shipmentId: 'box-2' })).json;
    say(`shipment box-2 (the rest): ${shipped.status}, captured ${money(shipped.payment.aggregate.captured, unit.currency)}`);
  } else {
    shipped = (await api<OrderView>(t, 'POST', `${path}/shipments`, { shipmentId: 'box-1' })).json;
    say(`shipment box-1 (everything: this unit captures in full): ${shipped.status}, captured ${money(shipped.payment.aggregate.captured, unit.currency)}`);
  }
  if (shipped.status !== 'COMPLETED' || shipped.payment.aggregate.captured !== ORDER_TOTAL) throw new DemoFailure('the order did not complete with everything captured');
  return shipped;
}
