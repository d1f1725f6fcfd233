/**
 * `npm run webhooks:register -- --unit dk --rotate` while orders are paid on dk all the time: the
 * new registration is made, the service picks up the new secret from the unit's secret file
 * without a restart, the old registration goes only after a probe signed with the new secret is
 * accepted. Polling is slowed to two minutes, so every order reaches AWAITING_SHIPMENT in time
 * only through its webhook: none may be lost.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { VippsClient } from '@vipps-orders/vipps';
import type { LocalStack } from '../../scripts/local-stack';
import { sendWebhookProbe } from '../../src/http/webhooks/webhookProbe';
import { clientConfigFor, loadSalesUnits } from '../../src/salesUnits/unitConfig';
import { startE2eStack, stackApi } from '../support/e2eStack';
import { eventually } from '../support/eventually';
import { quietTemporalLogs } from '../support/temporalLogs';
import { newOrderId, sampleOrder } from '../support/orders';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const DK_MSN = '223456';
const run = promisify(execFile);

let dir: string;
let secretFile: string;
let env: Record<string, string>;
let stack: LocalStack;
const api = stackApi(() => stack);

interface Delivery {
  registrationId: string;
  msn: string;
  eventName: string;
  outcome: string;
  httpStatus?: number;
}

beforeAll(async () => {
  quietTemporalLogs();
  dir = mkdtempSync(join(tmpdir(), 'rotation-'));
  const units = parse(readFileSync(join(ROOT, 'deploy/sales-units.example.yaml'), 'utf8')) as { units: { name: string; webhookSecrets?: unknown }[] };
  units.units.find((u) => u.name === 'dk')!.webhookSecrets = [{ file: 'dk-webhook-secret' }];
  writeFileSync(join(dir, 'units.yaml'), stringify(units));
  secretFile = join(dir, 'dk-webhook-secret');
  stack = await startE2eStack({ SALES_UNITS_FILE: join(dir, 'units.yaml'), ORDER_POLL_INITIAL_SECONDS: '120', ORDER_POLL_MAX_SECONDS: '120' });
  env = { PATH: process.env.PATH!, HOME: process.env.HOME!, SALES_UNITS_FILE: join(dir, 'units.yaml'), VIPPS_BASE_URL: stack.emulatorUrl!, PORT: new URL(stack.serviceUrl).port };
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function registerCommand(...args: string[]) {
  return run(join(ROOT, 'node_modules/.bin/tsx'), ['src/registerWebhook.ts', ...args], { cwd: ROOT, env }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
}

async function dkRegistrations(url: string): Promise<string[]> {
  const units = loadSalesUnits(env);
  const vipps = new VippsClient(clientConfigFor(units, units.registry.get('dk')!));
  return (await vipps.listWebhooks()).webhooks.filter((w) => w.url === url).map((w) => w.id);
}

async function deliveries(reference: string): Promise<Delivery[]> {
  const res = await fetch(`${stack.emulatorUrl}/_emulator/webhook-deliveries?reference=${encodeURIComponent(reference)}`);
  return ((await res.json()) as { deliveries: Delivery[] }).deliveries.filter((d) => d.msn === DK_MSN);
}

async function payOnDk(orderId: string): Promise<void> {
  const placed = await api('POST', '/orders', { ...sampleOrder(orderId), salesUnit: 'dk', amount: { value: 54_800, currency: 'DKK' } });
  expect(placed.status).toBe(201);
  const approved = await fetch(`${stack.emulatorUrl}/_emulator/payments/${orderId}/approve?msn=${DK_MSN}`, { method: 'POST' });
  expect(approved.status).toBe(200);
}

test('a webhook secret rotation while orders are paid loses no delivery, leaves one registration and only the new secret', async () => {
  const url = `${stack.serviceUrl}/webhooks/vipps/dk`;
  const oldSecret = readFileSync(secretFile, 'utf8').trim();
  const oldIds = await dkRegistrations(url);
  expect(oldIds).toHaveLength(1);
  expect((await registerCommand('--check', '--unit', 'dk')).code).toBe(0);

  // Orders on dk all along, two at a time, until a while after the rotation ended.
  const orderIds: string[] = [];
  let rotating = true;
  const load = async (): Promise<void> => {
    for (let after = 0; rotating || after < 3; after += rotating ? 0 : 1) {
      const orderId = newOrderId('rot');
      orderIds.push(orderId);
      await payOnDk(orderId);
    }
  };
  const loaders = [load(), load()];
  await eventually(() => expect(orderIds.length).toBeGreaterThanOrEqual(4), 20_000);
  const rotation = await registerCommand('--rotate', '--unit', 'dk');
  rotating = false;
  await Promise.all(loaders);
  expect(rotation).toMatchObject({ code: 0 });
  expect(rotation.stderr).toContain('dk: the service accepts the new secret; both registrations stay 5 s more');

  // One registration is left, a new one; the file holds its secret only; the old secret is refused now.
  const newIds = await dkRegistrations(url);
  expect(newIds).toHaveLength(1);
  expect(oldIds).not.toContain(newIds[0]);
  const lines = readFileSync(secretFile, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toBe(oldSecret);
  await sleep(1100);
  expect(await sendWebhookProbe(url, oldSecret)).toEqual({ accepted: false, reason: 'HTTP 401 invalid_signature' });
  expect(await sendWebhookProbe(url, lines[0]!)).toEqual({ accepted: true });
  expect((await registerCommand('--check', '--unit', 'dk')).code).toBe(0);

  // Every order was told by its webhook (polling waits two minutes) and every event reached the service.
  for (const orderId of orderIds) {
    await eventually(async () => expect((await api('GET', `/sales-units/dk/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 30_000);
  }
  let overlapping = 0;
  let failedOnNew = 0;
  for (const orderId of orderIds) {
    const authorized = (await deliveries(orderId)).filter((d) => d.eventName === 'AUTHORIZED');
    expect(authorized.some((d) => d.outcome === 'delivered')).toBe(true);
    // The old registration's deliveries never fail: its secret is accepted until it is deleted.
    expect(authorized.filter((d) => oldIds.includes(d.registrationId) && d.outcome === 'failed')).toEqual([]);
    failedOnNew += authorized.filter((d) => d.registrationId === newIds[0] && d.outcome === 'failed').length;
    if (new Set(authorized.filter((d) => d.outcome === 'delivered').map((d) => d.registrationId)).size === 2) overlapping += 1;
  }
  // The load did span the rotation: some orders were delivered by both registrations.
  expect(overlapping).toBeGreaterThan(0);
  expect(failedOnNew).toBe(0);
  console.log(`rotation under load: ${orderIds.length} orders, ${overlapping} delivered by both registrations, ${failedOnNew} refused attempts`);
});
