/**
 * Settlement end to end on the example units (no NOK, dk DKK, fi EUR): orders on no and dk are
 * captured and partly refunded, the emulator closes its ledger dates, POST /settlements/sync reads
 * the Report API feeds (three entries a page, so every sync reads many pages), and every payout
 * the service reports matches the emulator's own account of it to the øre, order by order.
 */
import { join } from 'node:path';
import type { LocalStack } from '../../scripts/local-stack';
import { startE2eStack, stackApi } from '../support/e2eStack';
import { eventually } from '../support/eventually';
import { quietTemporalLogs } from '../support/temporalLogs';
import { newOrderId, sampleOrder } from '../support/orders';
import { metric, scrape } from '../support/prometheus';
import { MerchantBrowser } from '../support/merchantBrowser';
import { amount } from '../../src/http/merchant/merchantFormat';

jest.setTimeout(240_000);

const UNITS = { no: { msn: '123456', currency: 'NOK' }, dk: { msn: '223456', currency: 'DKK' }, fi: { msn: '323456', currency: 'EUR' } } as const;
type UnitName = keyof typeof UNITS;

let stack: LocalStack;
const api = stackApi(() => stack);

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startE2eStack({
    SALES_UNITS_FILE: join(__dirname, '../../deploy/sales-units.example.yaml'),
    // Dates close only when the test says so, and the feeds come in small pages.
    EMULATOR_LEDGER_AUTO_CLOSE: 'false',
    EMULATOR_REPORT_PAGE_SIZE: '3',
    VISIBILITY_METRICS_INTERVAL_SECONDS: '1',
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

interface EmulatorPayout {
  payout: { payoutId: string; ledgerId: string; msn: string; currency: string; ledgerDates: string[]; gross: number; fees: number; net: number };
  orders: { msn: string; reference: string; captured: number; refunded: number; disputed: number; corrected: number; gross: number; fees: number; net: number }[];
}
interface ServicePayout {
  payoutId: string;
  ledgerId: string;
  salesUnit: string;
  ledgerDate: string;
  ledgerDates: string[];
  currency: string;
  gross: number;
  fees: number;
  net: number;
  orders: { salesUnit: string; orderId: string; captured: number; refunded: number; disputed: number; corrected: number; gross: number; fees: number; net: number; findings: string[] }[];
}
interface SyncAnswer {
  ledgers: { ledgerId: string; caughtUp: boolean; payoutIds: string[]; reason?: string }[];
}

async function emulator<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.emulatorUrl}${path}`, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  expect([200, 201]).toContain(res.status);
  return (await res.json()) as T;
}

/** An order on `unit`, approved, shipped (captured in full) and, if `refund` is given, partly refunded. */
async function settledOrder(unit: UnitName, value: number, refund?: number): Promise<string> {
  const orderId = newOrderId(`set-${unit}`);
  const tax = Math.round(value / 5);
  const line = { id: 'goods', name: 'Goods', totalAmount: value, totalAmountExcludingTax: value - tax, totalTaxAmount: tax, taxRate: 2500, unitInfo: { unitPrice: value, quantity: '1' } };
  const placed = await api('POST', '/orders', { ...sampleOrder(orderId), salesUnit: unit, amount: { value, currency: UNITS[unit].currency }, orderLines: [line] });
  expect(placed.status).toBe(201);
  await emulator('POST', `/_emulator/payments/${orderId}/approve?msn=${UNITS[unit].msn}`);
  await eventually(async () => expect((await api('GET', `/sales-units/${unit}/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 30_000);
  const shipped = await api('POST', `/sales-units/${unit}/orders/${orderId}/shipments`, { shipmentId: 'box-1' });
  expect(shipped.json.status).toBe('COMPLETED');
  if (refund !== undefined) {
    const refunded = await api('POST', `/sales-units/${unit}/orders/${orderId}/refunds`, { refundId: 'r1', amount: { value: refund, currency: UNITS[unit].currency } });
    expect(refunded.status).toBe(200);
  }
  return orderId;
}

async function sync(): Promise<SyncAnswer> {
  const answer = await api<SyncAnswer>('POST', '/settlements/sync');
  expect(answer.status).toBe(200);
  expect(answer.json.ledgers.every((l) => l.caughtUp)).toBe(true);
  return answer.json;
}

/** The service's payout next to the emulator's, both reduced to what must agree to the øre. */
async function expectPayoutsMatch(payoutIds: readonly string[]): Promise<ServicePayout[]> {
  const unitByMsn = Object.fromEntries(Object.entries(UNITS).map(([name, u]) => [u.msn, name]));
  const found: ServicePayout[] = [];
  for (const payoutId of payoutIds) {
    const truth = await emulator<EmulatorPayout>('GET', `/_emulator/ledgers/payouts/${payoutId}`);
    const { status, json } = await api<ServicePayout>('GET', `/settlements/payouts/${payoutId}`);
    expect(status).toBe(200);
    expect({ ledgerId: json.ledgerId, salesUnit: json.salesUnit, currency: json.currency, ledgerDates: json.ledgerDates, gross: json.gross, fees: json.fees, net: json.net }).toEqual({
      ledgerId: truth.payout.ledgerId,
      salesUnit: unitByMsn[truth.payout.msn],
      currency: truth.payout.currency,
      ledgerDates: truth.payout.ledgerDates,
      gross: truth.payout.gross,
      fees: truth.payout.fees,
      net: truth.payout.net,
    });
    const byOrder = (rows: { orderId: string }[]) => [...rows].sort((a, b) => a.orderId.localeCompare(b.orderId));
    expect(byOrder(json.orders.map(({ findings: _findings, ...figures }) => figures))).toEqual(
      byOrder(truth.orders.map((o) => ({ salesUnit: unitByMsn[o.msn], orderId: o.reference, captured: o.captured, refunded: o.refunded, disputed: o.disputed, corrected: o.corrected, gross: o.gross, fees: o.fees, net: o.net }))),
    );
    found.push(json);
  }
  return found;
}

// First, before any sync starts fi's settlement workflow: this one reads two pages per run.
test('a ledger read two pages per run continues as new many times and still counts every entry once', async () => {
  const ledgerId = `7${UNITS.fi.msn}`;
  await stack.client.workflow.start('settlementWorkflow', {
    workflowId: `settlement-${ledgerId}`,
    taskQueue: 'vipps-orders',
    args: [{ ledger: { ledgerId, currency: 'EUR', units: [{ name: 'fi', msn: UNITS.fi.msn }] }, pagesPerRun: 2 }],
  });
  for (const value of [1_000, 2_000, 3_000, 4_000]) await settledOrder('fi', value);
  const closed = await emulator<{ payouts: { payoutId: string; msn: string }[] }>('POST', '/_emulator/ledgers/close');
  const payoutId = closed.payouts.find((p) => p.msn === UNITS.fi.msn)!.payoutId;
  await sync();
  await expectPayoutsMatch([payoutId]);
  // Funds: 4 captures, fees retained, the payout; fees: 4 fees, fees retained: 7 pages of 3, each run 2.
  await eventually(async () => {
    const runs: string[] = [];
    for await (const run of stack.client.workflow.list({ query: `WorkflowId = 'settlement-${ledgerId}'` })) runs.push(run.status.name);
    expect(runs.filter((s) => s === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(3);
  }, 10_000);
});

test('orders on no and dk through captures and refunds: each payout matches the emulator’s ledger to the øre; reading the feed again changes nothing', async () => {
  const orders = [await settledOrder('no', 54_800, 10_000), await settledOrder('no', 19_900), await settledOrder('dk', 32_500, 2_550), await settledOrder('dk', 12_345)];

  const closed = await emulator<{ payouts: { payoutId: string; msn: string }[] }>('POST', '/_emulator/ledgers/close');
  const payoutIds = closed.payouts.filter((p) => p.msn === UNITS.no.msn || p.msn === UNITS.dk.msn).map((p) => p.payoutId);
  expect(payoutIds).toHaveLength(2);

  const first = await sync();
  expect(first.ledgers.flatMap((l) => l.payoutIds).sort()).toEqual(expect.arrayContaining([...payoutIds].sort()));
  const payouts = await expectPayoutsMatch(payoutIds);
  for (const orderId of orders) expect(payouts.some((p) => p.orders.some((o) => o.orderId === orderId))).toBe(true);

  await eventually(async () => {
    const list = await api<{ payouts: Omit<ServicePayout, 'orders'>[] }>('GET', '/settlements/payouts');
    expect(list.json.payouts.map((p) => p.payoutId)).toEqual(expect.arrayContaining(payoutIds));
  }, 15_000);

  // Again: the same feed, nothing new on it; the payouts and their orders stay exactly as they were.
  const second = await sync();
  expect(second.ledgers.flatMap((l) => l.payoutIds).sort()).toEqual(first.ledgers.flatMap((l) => l.payoutIds).sort());
  expect(await expectPayoutsMatch(payoutIds)).toEqual(payouts);
  const list = await api<{ payouts: ServicePayout[] }>('GET', '/settlements/payouts');
  expect(list.json.payouts.filter((p) => payoutIds.includes(p.payoutId))).toHaveLength(2);

  // The same as CSV: one row per order, the same figures.
  const csv = await fetch(`${stack.serviceUrl}/settlements/payouts/${payoutIds[0]}`, { headers: { authorization: `Bearer ${stack.apiKey}`, accept: 'text/csv' } });
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  const [header, ...rows] = (await csv.text()).trim().split('\r\n');
  expect(header).toBe('payoutId,salesUnit,orderId,currency,captured,refunded,disputed,corrected,gross,fees,net,findings');
  const detail = payouts[0]!;
  expect(rows).toHaveLength(detail.orders.length);
  for (const o of detail.orders) expect(rows).toContain([detail.payoutId, o.salesUnit, o.orderId, detail.currency, o.captured, o.refunded, o.disputed, o.corrected, o.gross, o.fees, o.net, o.findings.join(' ')].join(','));
});

test('a worker restart between two payouts loses and duplicates nothing', async () => {
  await settledOrder('dk', 40_000, 1_000);
  await settledOrder('no', 25_000);
  await stack.restartWorker();
  await settledOrder('no', 30_000, 30_000);
  const closed = await emulator<{ payouts: { payoutId: string; msn: string }[] }>('POST', '/_emulator/ledgers/close');
  const payoutIds = closed.payouts.map((p) => p.payoutId);
  expect(payoutIds.length).toBeGreaterThanOrEqual(2);
  const syncing = api<SyncAnswer>('POST', '/settlements/sync');
  await stack.restartWorker();
  expect((await syncing).status).toBe(200);
  await sync();
  await expectPayoutsMatch(payoutIds);
});

test('a portal refund after settlement and a dispute go with the next payout, flagged on their orders (view, search attribute, metric), to the øre; an own refund after settlement is not flagged', async () => {
  const settled = await settledOrder('no', 60_000);
  const disputed = await settledOrder('no', 45_000);
  const ownRefund = await settledOrder('no', 30_000);
  const first = await emulator<{ payouts: { payoutId: string; msn: string }[] }>('POST', '/_emulator/ledgers/close');
  const firstPayout = first.payouts.find((p) => p.msn === UNITS.no.msn)!.payoutId;
  await sync();
  // After the payout: money leaves by the business portal, by a dispute and by the order's own refund, and one new order comes in.
  await emulator('POST', `/_emulator/payments/${settled}/portal-refund?msn=${UNITS.no.msn}`, { amount: 5_000 });
  await emulator('POST', '/_emulator/ledgers/disputes', { msn: UNITS.no.msn, reference: disputed, amount: 20_000 });
  expect((await api('POST', `/sales-units/no/orders/${ownRefund}/refunds`, { refundId: 'after-payout', amount: { value: 7_000, currency: 'NOK' } })).status).toBe(200);
  await settledOrder('no', 80_000);
  const closed = await emulator<{ payouts: { payoutId: string; msn: string }[] }>('POST', '/_emulator/ledgers/close');
  const payoutId = closed.payouts.find((p) => p.msn === UNITS.no.msn)!.payoutId;
  await sync();
  const [payout] = await expectPayoutsMatch([payoutId]);
  expect(payout!.orders.find((o) => o.orderId === settled)).toMatchObject({ captured: 0, refunded: 5_000, gross: -5_000, findings: ['refund-after-settlement'] });
  expect(payout!.orders.find((o) => o.orderId === disputed)).toMatchObject({ captured: 0, disputed: -20_000, gross: -20_000, findings: ['disputed'] });
  expect(payout!.orders.find((o) => o.orderId === ownRefund)).toMatchObject({ captured: 0, refunded: 7_000, findings: ['refund-after-settlement'] });

  // Each order's view: both payouts with its own part, and only what happened outside the order flagged.
  type Settlement = { payouts: { payoutId: string; captured: number; refunded: number; disputed: number }[]; findings: { kind: string; payoutId: string; amount: number }[] };
  const settlementOf = async (orderId: string) => {
    let found: Settlement | undefined;
    await eventually(async () => {
      found = (await api<{ settlement?: Settlement }>('GET', `/sales-units/no/orders/${orderId}`)).json.settlement;
      expect(found?.payouts.map((p) => p.payoutId)).toEqual([firstPayout, payoutId]);
    }, 15_000);
    return found!;
  };
  const portal = await settlementOf(settled);
  expect(portal.payouts.map((p) => [p.captured, p.refunded])).toEqual([[60_000, 0], [0, 5_000]]);
  expect(portal.findings).toEqual([expect.objectContaining({ kind: 'portal-refund', payoutId, amount: 5_000 })]);
  expect((await settlementOf(disputed)).findings).toEqual([expect.objectContaining({ kind: 'disputed', payoutId, amount: 20_000 })]);
  expect((await settlementOf(ownRefund)).findings).toEqual([]);

  // Operators find them in the Temporal UI by OrderAlerts, each naming its order.
  const flagged = async (alert: string) => {
    const refs: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `OrderAlerts = '${alert}' AND SalesUnit = 'no'` })) refs.push(String(wf.searchAttributes?.VippsReference?.[0]));
    return refs;
  };
  await eventually(async () => {
    expect(await flagged('SETTLEMENT_PORTAL_REFUND')).toContain(settled);
    expect(await flagged('SETTLEMENT_DISPUTED')).toContain(disputed);
  }, 15_000);
  expect(await flagged('SETTLEMENT_PORTAL_REFUND')).not.toContain(ownRefund);

  // And the service counts them, once each (from visibility, refreshed every second here).
  expect(stack.serviceMetricsUrl).toBeDefined();
  await eventually(async () => {
    const samples = (await scrape(stack.serviceMetricsUrl!)).samples;
    expect(metric(samples, 'settlement_findings_total', { kind: 'portal-refund', sales_unit: 'no' })).toBe(1);
    expect(metric(samples, 'settlement_findings_total', { kind: 'disputed', sales_unit: 'no' })).toBe(1);
    expect(metric(samples, 'settlement_findings_total', { kind: 'corrected', sales_unit: 'no' })).toBe(0);
  }, 15_000);

  // The merchant pages: the payouts, one payout with its orders and findings, its CSV, and an order's payouts.
  expect((await new MerchantBrowser(() => stack.serviceUrl, stack.apiKey).send('/merchant/payouts')).status).toBe(303);
  const merchant = new MerchantBrowser(() => stack.serviceUrl, stack.apiKey);
  expect((await merchant.logIn()).status).toBe(303);
  const list = await merchant.send('/merchant/payouts?unit=no');
  expect(list.status).toBe(200);
  expect(list.text).toContain(`href="/merchant/payouts/${payoutId}"`);
  expect(list.text).toContain(`href="/merchant/payouts/${firstPayout}"`);
  const page = await merchant.send(`/merchant/payouts/${payoutId}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain(`<dd id="net">${amount(payout!.net, 'NOK')}</dd>`);
  expect(page.text).toContain(`href="/merchant/sales-units/no/orders/${disputed}"`);
  expect(page.text).toContain('data-findings="disputed"');
  const pageCsv = await merchant.send(`/merchant/payouts/${payoutId}/csv`);
  const apiCsv = await fetch(`${stack.serviceUrl}/settlements/payouts/${payoutId}`, { headers: { authorization: `Bearer ${stack.apiKey}`, accept: 'text/csv' } });
  expect(pageCsv.text).toBe(await apiCsv.text());
  const orderPage = await merchant.send(`/merchant/sales-units/no/orders/${settled}`);
  expect(orderPage.text).toContain('id="order-payouts"');
  expect(orderPage.text).toContain('data-finding="portal-refund"');
  expect((await merchant.send('/merchant/payouts/999999999')).status).toBe(404);
});

test('a capture made in the business portal goes with the payout, flagged on its order as a capture mismatch of the portal’s amount; orders’ own captures never are', async () => {
  const orderId = newOrderId('set-no');
  const line = (id: string, value: number) => ({ id, name: id, totalAmount: value, totalAmountExcludingTax: value * 0.8, totalTaxAmount: value * 0.2, taxRate: 2500, unitInfo: { unitPrice: value, quantity: '1' } });
  const placed = await api('POST', '/orders', { ...sampleOrder(orderId), salesUnit: 'no', amount: { value: 50_000, currency: 'NOK' }, orderLines: [line('lamp', 30_000), line('shade', 20_000)] });
  expect(placed.status).toBe(201);
  await emulator('POST', `/_emulator/payments/${orderId}/approve?msn=${UNITS.no.msn}`);
  await eventually(async () => expect((await api('GET', `/sales-units/no/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 30_000);
  const shipped = await api<{ shipments: { status: string }[] }>('POST', `/sales-units/no/orders/${orderId}/shipments`, { shipmentId: 'box-1', orderLineIds: ['lamp'] });
  expect(shipped.json.shipments).toEqual([expect.objectContaining({ status: 'CAPTURED' })]);
  // The merchant captures the shade's 200 NOK in the business portal instead of shipping it through the shop.
  await emulator('POST', `/_emulator/payments/${orderId}/portal-capture?msn=${UNITS.no.msn}`, { amount: 20_000 });
  const closed = await emulator<{ payouts: { payoutId: string; msn: string }[] }>('POST', '/_emulator/ledgers/close');
  const payoutId = closed.payouts.find((p) => p.msn === UNITS.no.msn)!.payoutId;
  await sync();
  const [payout] = await expectPayoutsMatch([payoutId]);
  expect(payout!.orders.find((o) => o.orderId === orderId)).toMatchObject({ captured: 50_000, refunded: 0, gross: 50_000 });
  await eventually(async () => {
    const view = (await api<{ settlement?: { findings: { kind: string; payoutId: string; amount: number }[] } }>('GET', `/sales-units/no/orders/${orderId}`)).json;
    expect(view.settlement?.findings).toEqual([expect.objectContaining({ kind: 'capture-mismatch', payoutId, amount: 20_000 })]);
  }, 15_000);
  // Every order before this one captured only through its workflow: this is the only mismatch.
  await eventually(async () => {
    const samples = (await scrape(stack.serviceMetricsUrl!)).samples;
    expect(metric(samples, 'settlement_findings_total', { kind: 'capture-mismatch', sales_unit: 'no' })).toBe(1);
    expect(metric(samples, 'settlement_findings_total', { kind: 'capture-mismatch', sales_unit: 'dk' })).toBe(0);
  }, 15_000);
  const flagged: string[] = [];
  for await (const wf of stack.client.workflow.list({ query: `OrderAlerts = 'SETTLEMENT_CAPTURE_MISMATCH'` })) flagged.push(String(wf.searchAttributes?.VippsReference?.[0]));
  expect(flagged).toEqual([orderId]);
});

test('each ledger has a schedule (every 60 minutes by default); when it fires, the ledger is read without a sync request', async () => {
  const schedule = stack.client.schedule.getHandle(`settlement-sync-7${UNITS.dk.msn}`);
  const described = await schedule.describe();
  expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 60 * 60_000 })]);
  await settledOrder('dk', 15_000);
  const closed = await emulator<{ payouts: { payoutId: string; msn: string }[] }>('POST', '/_emulator/ledgers/close');
  const payoutId = closed.payouts.find((p) => p.msn === UNITS.dk.msn)!.payoutId;
  await schedule.trigger();
  await eventually(async () => expect((await api('GET', `/settlements/payouts/${payoutId}`)).status).toBe(200), 30_000);
  await expectPayoutsMatch([payoutId]);
});

test('the settlement API needs the API key, and an unknown payout is a 404 naming payoutId', async () => {
  expect((await fetch(`${stack.serviceUrl}/settlements/payouts`)).status).toBe(401);
  const missing = await api<{ error: string; message: string }>('GET', '/settlements/payouts/999999999');
  expect(missing.status).toBe(404);
  expect(missing.json).toMatchObject({ error: 'payout_not_found' });
  expect(missing.json.message).toContain('payoutId');
  const bad = await api<{ error: string; message: string }>('GET', '/settlements/payouts/abc');
  expect(bad.status).toBe(400);
  expect(bad.json.message).toContain('payoutId');
  const doc = (await (await fetch(`${stack.serviceUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/settlements/sync', '/settlements/payouts', '/settlements/payouts/{payoutId}']));
  expect(Object.keys(doc.paths['/settlements/payouts/{payoutId}']!.get!.responses['200']!.content!)).toEqual(['application/json', 'text/csv']);
});
