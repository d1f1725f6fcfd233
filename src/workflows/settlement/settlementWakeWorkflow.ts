/**
 * What a ledger's Temporal Schedule starts. A schedule can only start workflows, each under a
 * new id, while the ledger's cursors live in one long-running workflow; so this short run does a
 * signal-with-start of `settlement-<ledgerId>` from an activity and ends (a few Actions an hour).
 * Overlapping wake-ups are harmless: the settlement workflow reads its feeds once per wake-up.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { LedgerRef, SettlementWakeActivities } from '../messages/settlement';

const { wakeSettlement } = proxyActivities<SettlementWakeActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '10m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export async function settlementWakeWorkflow(ledger: LedgerRef): Promise<void> {
  await wakeSettlement(ledger);
}
