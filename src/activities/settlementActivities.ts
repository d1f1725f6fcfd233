import type { Client } from '@temporalio/client';
import type { VippsClient } from '@vipps-orders/vipps';
import type { VippsClients } from '../salesUnits/vippsClients';
import type { LedgerRef, ReadSettlementPageInput, SettlementActivities, SettlementPage, SettlementWakeActivities } from '../workflows/messages/settlement';
import { settlementWakeSignal, settlementWorkflowId } from '../workflows/messages/settlement';
import { toActivityFailure } from './vippsFailures';

export interface SettlementActivityDeps {
  vipps: VippsClients | VippsClient;
  /** For the scheduled wake-up's signal-with-start; without it the worker runs no wake-ups. */
  temporal?: { client: Client; taskQueue: string };
}

function clientFor(vipps: VippsClients | VippsClient, salesUnit: string): VippsClient {
  return 'for' in vipps ? vipps.for(salesUnit) : vipps;
}

export function createSettlementActivities(deps: SettlementActivityDeps): SettlementActivities & Partial<SettlementWakeActivities> {
  const activities: SettlementActivities & Partial<SettlementWakeActivities> = {
    /** One page of a ledger's feed, only the fields reconciliation uses (they go into the workflow's history). */
    async readSettlementPage(input: ReadSettlementPageInput): Promise<SettlementPage> {
      try {
        const page = await clientFor(deps.vipps, input.salesUnit).getReportFeed(input.ledgerId, input.topic, input.cursor);
        const entries = page.items.map((e) => ({
          pspReference: e.pspReference,
          ledgerDate: e.ledgerDate,
          entryType: e.entryType,
          reference: e.reference ?? '',
          currency: e.currency,
          amount: e.amount,
          balanceAfter: e.balanceAfter,
          ...(e.recipientHandle && { recipientHandle: e.recipientHandle }),
        }));
        return { entries, cursor: page.cursor, tryLater: page.tryLater };
      } catch (err) {
        throw toActivityFailure(err);
      }
    },
  };
  const temporal = deps.temporal;
  if (temporal) {
    activities.wakeSettlement = async (ledger: LedgerRef): Promise<void> => {
      await temporal.client.workflow.signalWithStart('settlementWorkflow', {
        workflowId: settlementWorkflowId(ledger.ledgerId),
        taskQueue: temporal.taskQueue,
        args: [{ ledger }],
        signal: settlementWakeSignal,
        signalArgs: [],
      });
    };
  }
  return activities;
}

