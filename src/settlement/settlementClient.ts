import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { settlementWorkflow } from '../workflows/settlement/settlementWorkflow';
import { payoutWorkflowId, settlementSyncUpdate, settlementWorkflowId, type Payout, type PayoutSummary, type SyncResult } from '../workflows/messages/settlement';
import { OrderCommandError } from '../orders/errors';
import type { LedgerDirectory } from './ledgerDirectory';

export interface SettlementClientOptions {
  client: Client;
  taskQueue: string;
  ledgers: LedgerDirectory;
  /** How long a sync request waits for the ledgers to catch up (default 2 minutes); the reading goes on after. */
  syncTimeoutMs?: number;
}

/** A run that continues as new answers "ask again"; this many in a row is a feed too long for one request. */
const SYNC_ATTEMPTS = 20;
const RETRY_PAUSE_MS = 200;

/**
 * What the service asks of the settlement workflows: a sync now (Update-with-start, so a ledger
 * whose workflow never ran gets one), and the payouts, read from closed payout workflows
 * (visibility for the list, a closed run's result for one payout: no Query, nothing open).
 */
export class SettlementClient {
  constructor(private readonly opts: SettlementClientOptions) {}

  async syncAll(): Promise<SyncResult[]> {
    const ledgers = await this.opts.ledgers.ledgers();
    const timeoutMs = this.opts.syncTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    // No worker, or a very long feed: answer rather than hold the request; the workflows read on.
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OrderCommandError('still_processing', `the ledgers did not catch up within ${timeoutMs / 1000} s; they are still being read, repeat the request`)), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all(ledgers.map((ledger) => this.sync(ledger))), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async sync(ledger: Awaited<ReturnType<LedgerDirectory['ledgers']>>[number]): Promise<SyncResult> {
    let result: SyncResult | undefined;
    for (let attempt = 0; attempt < SYNC_ATTEMPTS && !result?.caughtUp; attempt++) {
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof settlementWorkflow>('settlementWorkflow', {
        workflowId: settlementWorkflowId(ledger.ledgerId),
        taskQueue: this.opts.taskQueue,
        args: [{ ledger }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      result = await this.opts.client.workflow.executeUpdateWithStart(settlementSyncUpdate, { startWorkflowOperation });
      // A failed read is reported at once; only a continue-as-new is worth asking the next run.
      if (!result.caughtUp && !result.continued) break;
      if (!result.caughtUp) await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
    return result!;
  }

  /** Every recorded payout, newest first. Visibility trails a recording by a moment. */
  async listPayouts(salesUnit?: string): Promise<PayoutSummary[]> {
    const query = `WorkflowType = 'payoutWorkflow' AND ExecutionStatus = 'Completed'${salesUnit === undefined ? '' : ` AND SalesUnit = '${salesUnit}'`}`;
    const payouts: PayoutSummary[] = [];
    for await (const execution of this.opts.client.workflow.list({ query })) {
      const summary = execution.memo?.payout as PayoutSummary | undefined;
      if (summary) payouts.push(summary);
    }
    return payouts.sort((a, b) => b.payoutId.localeCompare(a.payoutId, 'en', { numeric: true }));
  }

  /** One payout with its orders, or undefined. Payout ids are per ledger, so each ledger is asked. */
  async getPayout(payoutId: string): Promise<Payout | undefined> {
    for (const ledger of await this.opts.ledgers.ledgers()) {
      const handle = this.opts.client.workflow.getHandle<(p: Payout) => Promise<Payout>>(payoutWorkflowId(ledger.ledgerId, payoutId));
      try {
        return await handle.result();
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
    }
    return undefined;
  }
}
