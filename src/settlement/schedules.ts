import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { LedgerRef } from '../workflows/messages/settlement';

export function settlementScheduleId(ledgerId: string): string {
  return `settlement-sync-${ledgerId}`;
}

/**
 * One Temporal Schedule per ledger that starts `settlementWakeWorkflow` every `intervalMinutes`.
 * Idempotent: an existing schedule gets the interval and ledger of this start (every worker and
 * every restart calls this), so changing SETTLEMENT_SYNC_MINUTES takes effect on the next start.
 */
export async function ensureSettlementSchedules(client: Client, taskQueue: string, ledgers: readonly LedgerRef[], intervalMinutes: number): Promise<string[]> {
  const ids: string[] = [];
  for (const ledger of ledgers) {
    const scheduleId = settlementScheduleId(ledger.ledgerId);
    const spec = { intervals: [{ every: `${intervalMinutes}m` as const }] };
    const action = { type: 'startWorkflow' as const, workflowType: 'settlementWakeWorkflow', taskQueue, args: [ledger], workflowId: `settlement-wake-${ledger.ledgerId}` };
    try {
      // SKIP: a wake-up still running when the next is due makes the next one pointless.
      await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
    }
    ids.push(scheduleId);
  }
  return ids;
}
