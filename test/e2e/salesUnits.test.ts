/**
 * Three sales units in one deployment (deploy/sales-units.example.yaml: no NOK, dk DKK, fi EUR,
 * fi capturing in full), end to end through the service, the worker and the emulator, which read
 * the same file. The same order id on the three units is three orders, each paid at its own MSN in
 * its own currency with its own keys, told of by its own webhook path and secret.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runDemo } from '../../scripts/demo/runDemo';
import type { LocalStack } from '../../scripts/local-stack';
import type { PlaceOrderResult } from '../../src/workflows/messages';
import { startE2eStack, stackApi } from '../support/e2eStack';
import { eventually } from '../support/eventually';
import { quietTemporalLogs } from '../support/temporalLogs';
import { newOrderId, sampleOrder } from '../support/orders';
import { metric, scrape } from '../support/prometheus';

jest.setTimeout(120_000);

const UNITS = [
  { name: 'no', msn: '123456', currency: 'NOK' },
  { name: 'dk', msn: '223456', currency: 'DKK' },
  { name: 'fi', msn: '323456', currency: 'EUR' },
] as const;

const EXAMPLE = join(__dirname, '../../deploy/sales-units.example.yaml');
let stack: LocalStack;
const api = stackApi(() => stack);

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startE2eStack({ SALES_UNITS_FILE: EXAMPLE, VISIBILITY_METRICS_INTERVAL_SECONDS: '1' });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

interface EmulatorPayment {
  msn: string;
  state: string;
  amount: { value: number; currency: string };
  aggregate: { authorizedAmount: { value: number }; capturedAmount: { value: number }; refundedAmount: { value: number } };
}

async function emulator<T>(method: string, path: string): Promise<{ status: number; json: T }> {
  const res = await fetch(`${stack.emulatorUrl}${path}`, { method });
  return { status: res.status, json: (await res.json()) as T };
}

function orderFor(orderId: string, unit: (typeof UNITS)[number]) {
  return { ...sampleOrder(orderId), salesUnit: unit.name, amount: { value: 54_800, currency: unit.currency } };
}

test('the same order id on no, dk and fi is three orders, each completed at its own MSN in its own currency; a refund on one leaves the others alone', async () => {
  const orderId = newOrderId('units');
  for (const unit of UNITS) {
    const placed = await api<PlaceOrderResult & { salesUnit: string }>('POST', '/orders', orderFor(orderId, unit));
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({ orderId, salesUnit: unit.name, workflowId: unit.name === 'no' ? `order-${orderId}` : `order-${unit.name}:${orderId}` });
    expect((await emulator('POST', `/_emulator/payments/${orderId}/approve?msn=${unit.msn}`)).status).toBe(200);
  }
  for (const unit of UNITS) {
    await eventually(async () => expect((await api('GET', `/sales-units/${unit.name}/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 20_000);
    expect((await api('GET', `/sales-units/${unit.name}/orders/${orderId}`)).json.salesUnit).toBe(unit.name);
  }

  // fi captures in full only: a partial shipment is refused before anything is marked shipped.
  const partial = await api<{ error: string; message: string }>('POST', `/sales-units/fi/orders/${orderId}/shipments`, { shipmentId: 'box-1', orderLineIds: ['socks'] });
  expect(partial.status).toBe(409);
  expect(partial.json.message).toMatch(/^orderLineIds: this sales unit captures in full/);
  expect((await api('GET', `/sales-units/fi/orders/${orderId}`)).json.shipments).toEqual([]);

  for (const unit of UNITS) {
    const shipped = await api('POST', `/sales-units/${unit.name}/orders/${orderId}/shipments`, { shipmentId: 'box-1' });
    expect(shipped.status).toBe(200);
    expect(shipped.json.status).toBe('COMPLETED');
    expect(shipped.json.salesUnit).toBe(unit.name);
    expect(shipped.json.amount).toEqual({ value: 54_800, currency: unit.currency });
  }

  const refund = await api('POST', `/sales-units/dk/orders/${orderId}/refunds`, { refundId: 'r1', amount: { value: 1_000, currency: 'DKK' } });
  expect(refund.status).toBe(200);

  for (const unit of UNITS) {
    const { status, json } = await emulator<EmulatorPayment>('GET', `/_emulator/payments/${orderId}?msn=${unit.msn}`);
    expect(status).toBe(200);
    expect({ msn: json.msn, currency: json.amount.currency, captured: json.aggregate.capturedAmount.value, refunded: json.aggregate.refundedAmount.value }).toEqual({
      msn: unit.msn,
      currency: unit.currency,
      captured: 54_800,
      refunded: unit.name === 'dk' ? 1_000 : 0,
    });
  }

  // Each unit's authorization webhook went to its own path and was accepted there (its own secret).
  const { json: log } = await emulator<{ deliveries: { msn: string; url: string; eventName: string; httpStatus?: number }[] }>('GET', `/_emulator/webhook-deliveries?reference=${orderId}`);
  for (const unit of UNITS) {
    const authorized = log.deliveries.filter((d) => d.msn === unit.msn && d.eventName === 'AUTHORIZED');
    expect(authorized.length).toBeGreaterThan(0);
    expect(authorized.every((d) => d.url.endsWith(`/webhooks/vipps/${unit.name}`) && d.httpStatus === 200)).toBe(true);
  }
});

test('npm run demo with the example units file: its order id completes on no, dk and fi, each at its MSN in its currency, and only dk is refunded', async () => {
  const steps: string[] = [];
  const target = { serviceUrl: stack.serviceUrl, emulatorUrl: stack.emulatorUrl!, apiKey: stack.apiKey };
  const result = await runDemo(target, { SALES_UNITS_FILE: EXAMPLE }, (step) => steps.push(step));
  const { orderId } = result;
  expect(result.refundedOn.name).toBe('dk');
  const paid = (unit: (typeof UNITS)[number], captures: number[]) => ({
    unit: unit.name,
    msn: unit.msn,
    currency: unit.currency,
    workflowId: unit.name === 'no' ? `order-${orderId}` : `order-${unit.name}:${orderId}`,
    status: 'COMPLETED',
    payment: { msn: unit.msn, currency: unit.currency, captured: 79_700, refunded: unit.name === 'dk' ? 29_900 : 0 },
    captures,
  });
  // fi captures in full only, so the demo ships it in one box.
  expect(result.units).toEqual([paid(UNITS[0], [34_800, 44_900]), paid(UNITS[1], [34_800, 44_900]), paid(UNITS[2], [79_700])]);
  // Each return page in its market's language.
  expect(steps.filter((s) => s.startsWith('the return page shows'))).toEqual([
    'the return page shows "Takk! Bestillingen din er bekreftet"',
    'the return page shows "Tak! Din ordre er bekræftet"',
    'the return page shows "Kiitos! Tilauksesi on vahvistettu"',
  ]);
});

test.each([
  ['an unknown unit', { salesUnit: 'se' }, 'salesUnit'],
  ['no unit, on a service of three', { salesUnit: undefined }, 'salesUnit'],
  ['a currency that is not the unit’s', { salesUnit: 'dk', amount: { value: 54_800, currency: 'NOK' } }, 'amount.currency'],
  ['a phone number of another market', { salesUnit: 'fi', amount: { value: 54_800, currency: 'EUR' }, customer: { phoneNumber: '+47 912 34 567' } }, 'customer.phoneNumber'],
] as const)('%s is a 400 naming %s, and no order starts', async (_name, overrides, field) => {
  const orderId = newOrderId('bad-unit');
  const body = { ...sampleOrder(orderId), ...overrides };
  const answer = await api<{ error: string; message: string; issues?: { field: string }[] }>('POST', '/orders', body);
  expect(answer.status).toBe(400);
  expect(JSON.stringify(answer.json)).toContain(field);
  for (const unit of UNITS) expect((await api('GET', `/sales-units/${unit.name}/orders/${orderId}`)).status).toBe(404);
});

test('the routes of an unknown unit answer 404 naming salesUnit; the unprefixed routes need one', async () => {
  const unknown = await api<{ message: string }>('GET', '/sales-units/se/orders/shop-10001');
  expect(unknown.status).toBe(404);
  expect(unknown.json.message).toContain('salesUnit');
  const unprefixed = await api<{ message: string }>('GET', '/orders/shop-10001');
  expect(unprefixed.status).toBe(400);
  expect(unprefixed.json.message).toContain('salesUnit');
});


test('the order metrics carry the sales unit: commands, webhooks and open orders are counted per unit', async () => {
  const orderId = newOrderId('met-unit');
  const dk = UNITS[1];
  expect((await api('POST', '/orders', orderFor(orderId, dk))).status).toBe(201);
  expect((await emulator('POST', `/_emulator/payments/${orderId}/approve?msn=${dk.msn}`)).status).toBe(200);
  await eventually(async () => expect((await api('GET', `/sales-units/dk/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 20_000);
  expect((await api('POST', `/sales-units/se/orders/${orderId}/cancel`, {})).status).toBe(404);

  await eventually(async () => {
    const { samples } = await scrape(stack.serviceMetricsUrl!);
    expect(metric(samples, 'orders_open', { status: 'AWAITING_SHIPMENT', sales_unit: 'dk' })).toBeGreaterThanOrEqual(1);
    expect(metric(samples, 'orders_open', { status: 'AWAITING_SHIPMENT', sales_unit: 'fi' })).toBe(0);
  }, 20_000);
  const { samples } = await scrape(stack.serviceMetricsUrl!);
  expect(metric(samples, 'order_commands_total', { command: 'place', outcome: 'ok', sales_unit: 'dk' })).toBeGreaterThanOrEqual(1);
  expect(metric(samples, 'order_webhooks_total', { outcome: 'signalled', sales_unit: 'dk' })).toBeGreaterThanOrEqual(1);
  // A unit the service does not have is no label of its own.
  expect(metric(samples, 'order_commands_total', { command: 'cancel', outcome: 'order_not_found', sales_unit: 'unknown' })).toBeGreaterThanOrEqual(1);
  expect(samples.some((s) => s.labels.sales_unit === 'se')).toBe(false);
});

test('a unit whose keys Vipps refuses (401) refuses its new orders at once with vipps_rejected; the id stays free and the other units go on', async () => {
  const orderId = newOrderId('keys');
  const dk = UNITS[1];
  // Vipps' gateway refuses the call and the client's retry with a fresh token: keys wrong or expired.
  const faults = await fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failNext: [{ operation: 'createPayment', reference: orderId, count: 2, when: 'before', status: 401 }] }) });
  expect(faults.status).toBe(200);
  const refused = await api<{ error: string; vipps?: { status?: number } }>('POST', '/orders', orderFor(orderId, dk));
  expect(refused.status).toBe(422);
  expect(refused.json).toMatchObject({ error: 'vipps_rejected', vipps: { status: 401 } });
  expect((await api('POST', '/orders', orderFor(orderId, UNITS[2]))).status).toBe(201);
  // Keys fixed: the same id is placed again on dk.
  expect((await api('POST', '/orders', orderFor(orderId, dk))).status).toBe(201);
  await fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
});

test('the CLI starter places an order on the unit it names, in the unit\'s currency', async () => {
  const orderId = newOrderId('cli');
  const { stdout } = await promisify(execFile)(join(__dirname, '../../node_modules/.bin/tsx'), ['src/starter.ts', '--sales-unit', 'dk', '--order-id', orderId, '--amount', '12500'], {
    cwd: join(__dirname, '../..'),
    env: { ...stack.workerEnv, PATH: process.env.PATH! },
  });
  expect(stdout).toContain(`workflow id:  order-dk:${orderId}`);
  expect(stdout).toContain('sales unit:   dk');
  const { json } = await emulator<EmulatorPayment>('GET', `/_emulator/payments/${orderId}?msn=${UNITS[1].msn}`);
  expect(json.amount).toEqual({ value: 12_500, currency: 'DKK' });
});
