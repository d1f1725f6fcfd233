/** One order of each cost scenario, driven as the shop and its customer would, over HTTP. */
import type { LocalStack } from '../scripts/local-stack';
import type { OrderView, PlaceOrderResult } from '../src/workflows/messages';
import { sampleOrder } from '../test/support/orders';

export interface Shop {
  stack: LocalStack;
  metricsUrl: string;
}

export interface OrderTrace {
  events: number;
  bytes: number;
  /** From the settling command's answer until the workflow was closed. */
  openAfterSettledMs: number;
}

async function api<T>(shop: Shop, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${shop.stack.serviceUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${shop.stack.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return { status: res.status, json };
}

/** The customer's browser: open the landing page, press Approve, follow the redirect to the return page. */
async function approveInBrowser(redirectUrl: string): Promise<void> {
  const landing = await fetch(redirectUrl);
  if (landing.status !== 200) throw new Error(`landing page: ${landing.status}`);
  const token = new URL(redirectUrl).searchParams.get('token')!;
  const approved = await fetch(new URL('/landing/approve', redirectUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
  const page = await fetch(approved.headers.get('location')!);
  if (!(await page.text()).includes('confirmed')) throw new Error('the return page did not confirm the order');
}

/** Waits without billed Queries: the workflow's description carries the status. */
async function statusIs(shop: Shop, orderId: string, status: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    if ((await shop.stack.orders.glance(orderId))?.status === status) return;
  }
  throw new Error(`order ${orderId} never reached ${status}`);
}

async function emulator(shop: Shop, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${shop.stack.emulatorUrl}/_emulator${path}`, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  if (res.status >= 300) throw new Error(`emulator ${method} ${path}: ${res.status}`);
}

export async function settledOrder(shop: Shop, kind: 'a' | 'b' | 'c', orderId: string): Promise<OrderTrace> {
  if (kind === 'c') await emulator(shop, 'PUT', '/faults', { webhooks: { dropNext: 1 } });
  const placed = (await api<PlaceOrderResult>(shop, 'POST', '/orders', sampleOrder(orderId))).json;
  if (kind === 'a') await approveInBrowser(placed.redirectUrl);
  else await emulator(shop, 'POST', `/payments/${orderId}/approve`);
  await statusIs(shop, orderId, 'AWAITING_SHIPMENT');
  // The shop looks at the open order once, as shops do before packing.
  await api(shop, 'GET', `/orders/${orderId}`);
  let settledAt: number;
  if (kind === 'b') {
    await api(shop, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-1', orderLineIds: ['socks'] });
    await api(shop, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-2' });
    settledAt = Date.now();
    await shop.stack.client.workflow.getHandle(`order-${orderId}`).result();
    await api(shop, 'POST', `/orders/${orderId}/refunds`, { refundId: 'r-1', amount: { value: 5_000, currency: 'NOK' } });
  } else {
    const shipped = await api<OrderView>(shop, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box' });
    settledAt = Date.now();
    if (shipped.json.status !== 'COMPLETED') throw new Error(`shipping answered ${shipped.json.status}`);
  }
  await api(shop, 'GET', `/orders/${orderId}`);
  if (kind === 'c') await emulator(shop, 'DELETE', '/faults');
  const order = shop.stack.client.workflow.getHandle(`order-${orderId}`);
  await order.result();
  const d = await order.describe();
  const trace: OrderTrace = { events: d.historyLength, bytes: d.historySize ?? 0, openAfterSettledMs: (d.closeTime?.getTime() ?? Date.now()) - settledAt };
  if (kind === 'b') {
    const refund = await shop.stack.client.workflow.getHandle(`refund-${orderId}.r-1`).describe();
    trace.events += refund.historyLength;
    trace.bytes += refund.historySize ?? 0;
  }
  return trace;
}
