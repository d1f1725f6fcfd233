/**
 * A worker killed (kill -9) while a Report API page is on its way to it: the page's activity has
 * no result in the history, so the next worker reads it again from the same cursor, and the
 * payouts still match the emulator's ledgers to the øre (nothing lost, nothing counted twice).
 */
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { stackApi } from '../support/e2eStack';
import { eventually } from '../support/eventually';
import { quietTemporalLogs } from '../support/temporalLogs';
import { newOrderId, sampleOrder } from '../support/orders';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

jest.setTimeout(240_000);

const DK = { name: 'dk', msn: '223456', currency: 'DKK' } as const;

let stack: LocalStack;
let worker: WorkerProcess | undefined;
const api = stackApi(() => stack);

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    inProcessWorker: false,
    overrides: {
      SALES_UNITS_FILE: join(__dirname, '../../deploy/sales-units.example.yaml'),
      EMULATOR_LEDGER_AUTO_CLOSE: 'false',
      EMULATOR_REPORT_PAGE_SIZE: '2',
      ORDER_POLL_INITIAL_SECONDS: '1',
      ORDER_POLL_MAX_SECONDS: '2',
      LOG_LEVEL: 'silent',
      EMULATOR_LOG_LEVEL: 'silent',
      SERVICE_METRICS_PORT: 'off',
    },
  });
  worker = await startWorkerProcess(stack.workerEnv, 120_000);
}, 180_000);

afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
});

async function emulator<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.emulatorUrl}${path}`, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

async function capturedOrder(value: number): Promise<void> {
  const orderId = newOrderId('kill');
  const tax = Math.round(value / 5);
  const line = { id: 'goods', name: 'Goods', totalAmount: value, totalAmountExcludingTax: value - tax, totalTaxAmount: tax, taxRate: 2500, unitInfo: { unitPrice: value, quantity: '1' } };
  expect((await api('POST', '/orders', { ...sampleOrder(orderId), salesUnit: DK.name, amount: { value, currency: DK.currency }, orderLines: [line] })).status).toBe(201);
  await emulator('POST', `/_emulator/payments/${orderId}/approve?msn=${DK.msn}`);
  await eventually(async () => expect((await api('GET', `/sales-units/dk/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 30_000);
  expect((await api('POST', `/sales-units/dk/orders/${orderId}/shipments`, { shipmentId: 'box-1' })).json.status).toBe('COMPLETED');
}

test('kill -9 while a feed page is in flight: the next worker reads it again and every payout matches the emulator to the øre', async () => {
  for (const value of [11_000, 22_000, 33_000]) await capturedOrder(value);
  const closed = await emulator<{ payouts: { payoutId: string }[] }>('POST', '/_emulator/ledgers/close');
  // The next feed page is read at the emulator, then answered 8 s late: the worker dies meanwhile.
  await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ failNext: [{ operation: 'getReportFeed', when: 'after', answer: 'slow', delayMs: 8_000 }] }),
  });
  const syncing = api<{ ledgers: { caughtUp: boolean }[] }>('POST', '/settlements/sync');
  const ledgerIds = ['7123456', '7223456', '7323456'];
  await eventually(async () => {
    const pending = await Promise.all(ledgerIds.map(async (id) => (await stack.client.workflow.getHandle(`settlement-${id}`).describe().catch(() => undefined))?.raw.pendingActivities?.length ?? 0));
    expect(pending.some((n) => n > 0)).toBe(true);
  }, 20_000);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  // The slow answer was taken: a page was read at the emulator and is still on its way.
  expect((await emulator<{ failNext?: unknown[] }>('GET', '/_emulator/faults')).failNext).toEqual([]);
  await worker!.kill('SIGKILL');
  worker = await startWorkerProcess(stack.workerEnv, 120_000);

  const answer = await syncing;
  expect(answer.status).toBe(200);
  expect(answer.json.ledgers.every((l) => l.caughtUp)).toBe(true);
  for (const { payoutId } of closed.payouts) {
    const truth = await emulator<{ payout: { gross: number; fees: number; net: number }; orders: { reference: string; captured: number; fees: number; net: number }[] }>('GET', `/_emulator/ledgers/payouts/${payoutId}`);
    const { status, json } = await api<{ gross: number; fees: number; net: number; orders: { orderId: string; captured: number; fees: number; net: number }[] }>('GET', `/settlements/payouts/${payoutId}`);
    expect(status).toBe(200);
    expect({ gross: json.gross, fees: json.fees, net: json.net }).toEqual({ gross: truth.payout.gross, fees: truth.payout.fees, net: truth.payout.net });
    const figures = (rows: { captured: number; fees: number; net: number }[]) => rows.map((r) => `${r.captured}/${r.fees}/${r.net}`).sort();
    expect(figures(json.orders)).toEqual(figures(truth.orders));
  }
  // And again: nothing changes.
  expect((await api<{ ledgers: { caughtUp: boolean; payoutIds: string[] }[] }>('POST', '/settlements/sync')).json.ledgers.flatMap((l) => l.payoutIds).sort()).toEqual(closed.payouts.map((p) => p.payoutId).sort());
});
