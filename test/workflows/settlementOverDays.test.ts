/**
 * A capture that no payout carries, over days, on Temporal's time-skipping server: the ledger's
 * settlement workflow (no schedule here: it must wake by itself) flags it not-paid-out
 * SETTLEMENT_UNPAID_AFTER_DAYS after its ledger date, not before, and once; a capture whose payout
 * comes in time is never flagged. The Report API is a scripted feed; the records are real
 * workflows written by the real activity.
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createOrderSettlementActivities } from '../../src/activities/orderSettlements';
import { loadSalesUnits } from '../../src/salesUnits/unitConfig';
import type { VippsClients } from '../../src/salesUnits/vippsClients';
import { unpaidRecordWorkflowId, type LedgerRef, type OrderSettlementRecord, type ReadSettlementPageInput, type SettlementEntry, type SettlementPage } from '../../src/workflows/messages/settlement';
import { workflowBundle } from '../support/orderHarness';
import { startTimeSkippingEnvironment, type TimeSkippingEnvironment } from '../support/timeSkipping';

jest.setTimeout(300_000);

const HOUR = 3600_000;
const DAY = 24 * HOUR;

let started: TimeSkippingEnvironment;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `settlement-ts-${randomUUID()}`;
/** The ledger's funds feed as the scripted Report API serves it, by ledger id; the fees feed is empty. */
const feeds = new Map<string, SettlementEntry[]>();

beforeAll(async () => {
  started = await startTimeSkippingEnvironment();
  env = started.env;
  const units = loadSalesUnits({ SALES_UNITS_FILE: join(__dirname, '../../deploy/sales-units.example.yaml') });
  // A plain client, as a worker has: the environment's own one stops time skipping while it waits for a result.
  const records = createOrderSettlementActivities({ client: new Client({ connection: env.connection }), taskQueue, units, vipps: {} as VippsClients });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...records,
      readSettlementPage(input: ReadSettlementPageInput): Promise<SettlementPage> {
        const entries = input.topic === 'funds' ? (feeds.get(input.ledgerId) ?? []) : [];
        const from = Number(input.cursor ?? 0);
        return Promise.resolve({ entries: entries.slice(from), cursor: String(entries.length), tryLater: true });
      },
    },
  });
  running = worker.run();
}, 240_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await started?.stop();
}, 60_000);

let psp = 100;
function entry(ledgerDate: string, entryType: string, reference: string, amount: number, balanceAfter: number): SettlementEntry {
  return { pspReference: String(psp++), ledgerDate, entryType, reference, currency: 'NOK', amount, balanceAfter, recipientHandle: 'api:123456' };
}

function ledgerDateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

async function unpaidRecord(ledgerId: string, ledgerDate: string, reference: string): Promise<OrderSettlementRecord | undefined> {
  try {
    return await env.client.workflow.getHandle<(r: OrderSettlementRecord) => Promise<OrderSettlementRecord>>(unpaidRecordWorkflowId('no', reference, ledgerId, ledgerDate)).result();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

async function startLedger(ledgerId: string, entries: SettlementEntry[]): Promise<void> {
  feeds.set(ledgerId, entries);
  const ledger: LedgerRef = { ledgerId, currency: 'NOK', units: [{ name: 'no', msn: '123456' }], unpaidAfterDays: 3 };
  await env.client.workflow.signalWithStart('settlementWorkflow', { workflowId: `settlement-${ledgerId}`, taskQueue, args: [{ ledger }], signal: 'settlementWake', signalArgs: [] });
}

test('a capture no payout carries is flagged not-paid-out 3 days after its ledger date, by the workflow itself, once', async () => {
  const start = await env.currentTimeMs();
  const date = ledgerDateOf(start);
  const ledgerId = '9000001';
  await startLedger(ledgerId, [entry(date, 'capture', 'order-unpaid-1', 25_000, 25_000)]);
  const dueAt = Date.parse(`${date}T00:00:00Z`) + 4 * DAY;

  // Until an hour before it is due: nothing flagged.
  await env.sleep(dueAt - HOUR - (await env.currentTimeMs()));
  expect(await unpaidRecord(ledgerId, date, 'order-unpaid-1')).toBeUndefined();

  // By an hour after: flagged, with the amount and what to search for.
  await env.sleep(2 * HOUR);
  const record = await unpaidRecord(ledgerId, date, 'order-unpaid-1');
  expect(record?.findings).toEqual([expect.objectContaining({ kind: 'not-paid-out', amount: 25_000 })]);
  const description = await env.client.workflow.getHandle(unpaidRecordWorkflowId('no', 'order-unpaid-1', ledgerId, date)).describe();
  expect(description.searchAttributes.OrderAlerts).toEqual(['SETTLEMENT_NOT_PAID_OUT']);
  expect(description.searchAttributes.VippsReference).toEqual(['order-unpaid-1']);

  // Days more pass: it is not flagged again (one record, and the workflow sets no timer for it).
  await env.sleep(5 * DAY);
  const history = await env.client.workflow.getHandle(`settlement-${ledgerId}`).fetchHistory();
  const flagged = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'flagUnpaidCaptures');
  expect(flagged).toHaveLength(1);
});

test('a capture whose payout comes within the 3 days is never flagged', async () => {
  const start = await env.currentTimeMs();
  const date = ledgerDateOf(start);
  const ledgerId = '9000002';
  const capture = entry(date, 'capture', 'order-paid-1', 40_000, 40_000);
  await startLedger(ledgerId, [capture]);
  await env.sleep(DAY);
  // The date closes and its payout is scheduled; the next wake-up reads it (a sync here).
  feeds.get(ledgerId)!.push(entry(date, 'scheduled-for-payout', '', -40_000, 0));
  await env.client.workflow.getHandle(`settlement-${ledgerId}`).signal('settlementWake');
  await env.sleep(Date.parse(`${date}T00:00:00Z`) + 6 * DAY - (await env.currentTimeMs()));
  expect(await unpaidRecord(ledgerId, date, 'order-paid-1')).toBeUndefined();
  const history = await env.client.workflow.getHandle(`settlement-${ledgerId}`).fetchHistory();
  expect((history.events ?? []).some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordOrderSettlements')).toBe(true);
  expect((history.events ?? []).some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'flagUnpaidCaptures')).toBe(false);
});
