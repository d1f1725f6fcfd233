/** Driving orders through a local stack's HTTP API, as a shop does, for the tests that look at what such a run leaves behind. */
import { VippsClient } from '@vipps-orders/vipps';
import type { LocalStack } from '../../scripts/local-stack';
import { loadVippsConfig } from '../../src/config';
import type { PlaceOrderRequest } from '../../src/orders/placeOrderRequest';
import type { OrderView, PlaceOrderResult } from '../../src/workflows/messages';
import { eventually } from './eventually';

export async function stackApi<T = OrderView>(stack: LocalStack, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${stack.serviceUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as T };
}

/** Places the order, approves it at the emulator (its landing token) and waits until the order knows. */
export async function placeAndApprove(stack: LocalStack, order: PlaceOrderRequest): Promise<{ placed: PlaceOrderResult; token: string }> {
  const placed = await stackApi<PlaceOrderResult>(stack, 'POST', '/orders', order);
  if (placed.status !== 201) throw new Error(`POST /orders answered ${placed.status}: ${JSON.stringify(placed.json)}`);
  const token = new URL(placed.json.redirectUrl).searchParams.get('token');
  if (!token) throw new Error(`no landing token in ${placed.json.redirectUrl}`);
  // With the stack's own credentials (a test may have set its own).
  const vipps = new VippsClient(loadVippsConfig({ ...stack.workerEnv, VIPPS_BASE_URL: stack.emulatorUrl }));
  await vipps.forceApprove(order.orderId, { token });
  await eventually(async () => expect((await stackApi(stack, 'GET', `/orders/${order.orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 20_000, 200);
  return { placed: placed.json, token };
}
