import type { Client } from '@temporalio/client';
import { OrderCommandError } from '../../src/orders/errors';
import type { LedgerDirectory } from '../../src/settlement/ledgerDirectory';
import { SettlementClient } from '../../src/settlement/settlementClient';
import type { LedgerRef, SyncResult } from '../../src/workflows/messages/settlement';

const ledger: LedgerRef = { ledgerId: '7123456', currency: 'NOK', units: [{ name: 'no', msn: '123456' }] };
const directory = { ledgers: () => Promise.resolve([ledger]) } as unknown as LedgerDirectory;

function clientAnswering(answers: (() => Promise<SyncResult>)[]): { client: Client; calls: () => number } {
  let calls = 0;
  const client = { workflow: { executeUpdateWithStart: () => answers[Math.min(calls++, answers.length - 1)]!() } } as unknown as Client;
  return { client, calls: () => calls };
}

test('a sync that meets a continue-as-new asks the next run; a failed read is answered at once', async () => {
  const continued = { ledgerId: ledger.ledgerId, caughtUp: false, payoutIds: [], continued: true };
  const done = { ledgerId: ledger.ledgerId, caughtUp: true, payoutIds: ['2000001'] };
  const retried = clientAnswering([() => Promise.resolve(continued), () => Promise.resolve(done)]);
  expect(await new SettlementClient({ client: retried.client, taskQueue: 'q', ledgers: directory }).syncAll()).toEqual([done]);
  expect(retried.calls()).toBe(2);

  const failed = { ledgerId: ledger.ledgerId, caughtUp: false, payoutIds: [], reason: 'reading failed', continued: false };
  const once = clientAnswering([() => Promise.resolve(failed)]);
  expect(await new SettlementClient({ client: once.client, taskQueue: 'q', ledgers: directory }).syncAll()).toEqual([failed]);
  expect(once.calls()).toBe(1);
});

test('a sync that does not catch up in time is still_processing (503), not a hanging request', async () => {
  const never = clientAnswering([() => new Promise<SyncResult>(() => undefined)]);
  const sync = new SettlementClient({ client: never.client, taskQueue: 'q', ledgers: directory, syncTimeoutMs: 50 }).syncAll();
  await expect(sync).rejects.toBeInstanceOf(OrderCommandError);
  await expect(sync).rejects.toMatchObject({ code: 'still_processing', httpStatus: 503 });
});
