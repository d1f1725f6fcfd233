/**
 * `npm run demo`: one order through the whole flow without a person, printing each step: place →
 * approve (the emulator's test approve endpoint) → webhook → return page → receipt → two shipments
 * → refund, then a check of the emulator's money ledger. Exits non-zero when a step fails.
 * Uses the stack from `npm start` when one answers, else starts its own on free ports.
 */
import { VippsClient } from '@vipps-orders/vipps';
import { loadVippsConfig } from '../src/config';
import type { OrderView, PlaceOrderResult } from '../src/workflows/messages';
import { startLocalStack, type LocalStack } from './local-stack';

const started = Date.now();
let step = 0;

function say(text: string): void {
  step++;
  console.log(`${String(step).padStart(2)}. ${text}  (+${((Date.now() - started) / 1000).toFixed(2)} s)`);
}

class DemoFailure extends Error {}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

interface Target {
  serviceUrl: string;
  emulatorUrl: string;
  apiKey: string;
  temporalUiUrl?: string;
  stack?: LocalStack;
}

async function target(): Promise<Target> {
  const serviceUrl = `http://localhost:${process.env.PORT ?? 3000}`;
  const emulatorUrl = `http://localhost:${process.env.EMULATOR_PORT ?? 4010}`;
  if ((await answers(`${serviceUrl}/healthz`)) && (await answers(`${emulatorUrl}/_emulator/health`))) {
    say(`using the running stack: service ${serviceUrl}, emulator ${emulatorUrl}`);
    return { serviceUrl, emulatorUrl, apiKey: process.env.ORDER_API_KEY ?? 'dev-order-api-key', temporalUiUrl: process.env.TEMPORAL_UI_URL ?? 'http://localhost:8233' };
  }
  say('no running stack found: starting a temporary one (Temporal dev server, emulator, worker, service)');
  const env = { ...process.env };
  delete env.VIPPS_BASE_URL; // the demo approves through the emulator
  const stack = await startLocalStack({ env, ephemeralPorts: true });
  return { serviceUrl: stack.serviceUrl, emulatorUrl: stack.emulatorUrl!, apiKey: stack.apiKey, ...(stack.temporalUiUrl && { temporalUiUrl: stack.temporalUiUrl }), stack };
}

async function api<T>(t: Target, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${t.serviceUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T;
  if (res.status >= 300) throw new DemoFailure(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return { status: res.status, json };
}

async function waitFor(t: Target, orderId: string, what: string, done: (v: OrderView) => boolean, timeoutMs = 20_000, live = false): Promise<OrderView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await api<OrderView>(t, 'GET', `/orders/${orderId}${live ? '?live=true' : ''}`);
    if (done(json)) return json;
    if (Date.now() > deadline) throw new DemoFailure(`timed out waiting for ${what}; order is ${json.status}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function line(id: string, name: string, total: number, isShipping = false) {
  const tax = Math.round(total / 5);
  return { id, name, totalAmount: total, totalAmountExcludingTax: total - tax, totalTaxAmount: tax, taxRate: 2500, ...(isShipping && { isShipping: true }) };
}

async function run(t: Target): Promise<void> {
  const orderId = `demo-${Date.now()}`;
  const order = {
    orderId,
    amount: { value: 79_700, currency: 'NOK' },
    description: 'Demo order: socks and a scarf',
    orderLines: [line('socks', 'Wool socks', 29_900), line('scarf', 'Knitted scarf', 44_900), line('shipping', 'Shipping', 4_900, true)],
  };
  const placed = await api<PlaceOrderResult>(t, 'POST', '/orders', order);
  say(`order ${orderId} placed (HTTP ${placed.status}); the shop sends the customer to ${placed.json.redirectUrl}`);

  const token = new URL(placed.json.redirectUrl).searchParams.get('token') ?? undefined;
  const vipps = new VippsClient(loadVippsConfig({ ...process.env, VIPPS_BASE_URL: t.emulatorUrl }));
  await vipps.forceApprove(orderId, token ? { token } : {});
  say('the customer approves the payment (emulator test approve endpoint)');

  const authorized = await waitFor(t, orderId, 'authorization', (v) => v.status === 'AWAITING_SHIPMENT');
  const how = authorized.timeline.some((e) => e.step === 'webhook AUTHORIZED') ? 'webhook' : 'polling';
  say(`the order learned of it (${how}) and confirmed it with getPayment: ${authorized.status}, capture deadline ${authorized.payment.captureDeadline}`);

  // The return URL the order gave Vipps (it carries the page's token), as the emulator keeps it.
  const payment = (await (await fetch(`${t.emulatorUrl}/_emulator/payments/${orderId}`)).json()) as { returnUrl: string };
  const returnPage = await (await fetch(payment.returnUrl)).text();
  if (!returnPage.includes('Your order is confirmed')) throw new DemoFailure('the return page does not show "Your order is confirmed"');
  say('the return page shows "Your order is confirmed"');

  // The view kept in the memo is not rewritten for the receipt alone: ask the order itself.
  const withReceipt = await waitFor(t, orderId, 'the receipt', (v) => v.receipt.status !== 'PENDING', 20_000, true);
  if (withReceipt.receipt.status !== 'ATTACHED') throw new DemoFailure(`receipt ${withReceipt.receipt.status}: ${JSON.stringify(withReceipt.receipt.error)}`);
  say('the receipt is attached through the Order Management API');

  const first = await api<OrderView>(t, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-1', orderLineIds: ['socks', 'shipping'] });
  say(`shipment box-1 (socks + shipping): ${first.json.status}, captured ${first.json.payment.aggregate.captured} øre`);
  const second = await api<OrderView>(t, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-2' });
  say(`shipment box-2 (the rest): ${second.json.status}, captured ${second.json.payment.aggregate.captured} øre`);
  if (second.json.status !== 'COMPLETED' || second.json.payment.aggregate.captured !== order.amount.value) throw new DemoFailure('the order did not complete with everything captured');

  const refund = await api<OrderView>(t, 'POST', `/orders/${orderId}/refunds`, { refundId: 'return-1', amount: { value: 29_900, currency: 'NOK' } });
  say(`refund return-1 of 299.00: refunded ${refund.json.payment.aggregate.refunded} øre`);

  const ledger = (await (await fetch(`${t.emulatorUrl}/_emulator/ledger?reference=${orderId}`)).json()) as { entries: { kind: string; reference: string; amount: { value: number } }[] };
  const entries = ledger.entries.filter((e) => e.reference === orderId);
  const captures = entries.filter((e) => e.kind === 'capture').map((e) => e.amount.value);
  if (captures.length !== 2 || captures[0] !== 34_800 || captures[1] !== 44_900) throw new DemoFailure(`emulator ledger shows captures ${JSON.stringify(captures)}, expected [34800, 44900]`);
  say(`the emulator's ledger agrees: ${entries.map((e) => `${e.kind} ${e.amount.value}`).join(', ')}`);

  if (t.temporalUiUrl && !t.stack) console.log(`\nSee it in the Temporal UI: ${t.temporalUiUrl}/namespaces/default/workflows/order-${orderId}`);
  console.log(`\nDemo completed in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

async function main(): Promise<number> {
  let t: Target | undefined;
  try {
    t = await target();
    await run(t);
    return 0;
  } catch (err) {
    console.error(`\nDemo failed at step ${step + 1}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await t?.stack?.stop();
  }
}

void main().then((code) => process.exit(code));
