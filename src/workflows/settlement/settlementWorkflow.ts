/**
 * The settlement of one Report API ledger, `settlement-<ledgerId>`: on every wake-up (the
 * ledger's schedule, or POST /settlements/sync) it reads the funds feed and then the fees feed
 * from its cursors to `tryLater`, folds the entries into the ledger's books, and records each
 * payout that closed as a payout workflow of its own (payoutWorkflow.ts says why).
 *
 * Reading twice counts once: a cursor moves only with a recorded activity result, so a worker
 * killed in the middle of a page reads that page again from the same cursor and the workflow has
 * nothing of it yet; and entries already counted are recognised and left out (ledgerBook.ts).
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { SalesUnitAttribute } from '../messages/searchAttributes';
import { payoutWorkflowId, settlementSyncUpdate, settlementWakeSignal, type LedgerRef, type OrderSettlementActivities, type Payout, type SettlementActivities, type SettlementTopic, type SyncResult } from '../messages/settlement';
import { emptyBook, foldPage, markUnpaidFlagged, nextUnpaidCheck, takePayouts, unpaidDue, type LedgerBookState } from './ledgerBook';
import { payoutWorkflow } from './payoutWorkflow';

export interface SettlementWorkflowInput {
  ledger: LedgerRef;
  /** Carried over by continue-as-new. */
  book?: LedgerBookState;
  /** A wake-up that was still to do when the last run continued as new. */
  wake?: boolean;
  /** Pages per run before continue-as-new (default PAGES_PER_RUN; tests make it small). */
  pagesPerRun?: number;
}

/** Pages per run before continue-as-new: each page is three history events and its entries' payload. */
export const PAGES_PER_RUN = 200;

const { readSettlementPage } = proxyActivities<SettlementActivities>({
  startToCloseTimeout: '30s',
  // A Report API that is down ends this round without moving a cursor; the next wake-up tries again.
  scheduleToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

const ORDER_SETTLEMENT_RECORDS = 'order-settlement-records';
const NOT_PAID_OUT_CHECK = 'not-paid-out-check';

/** SETTLEMENT_UNPAID_AFTER_DAYS' default. */
export const DEFAULT_UNPAID_AFTER_DAYS = 3;

/** One record per order of a payout: many lookups and starts, so a heartbeat shows it alive; retried until done. */
const { recordOrderSettlements, flagUnpaidCaptures } = proxyActivities<OrderSettlementActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m' },
});

export async function settlementWorkflow(input: SettlementWorkflowInput): Promise<void> {
  const { ledger } = input;
  const pagesPerRun = Math.max(1, input.pagesPerRun ?? PAGES_PER_RUN);
  if (ledger.units.length === 0) throw ApplicationFailure.nonRetryable(`ledger ${ledger.ledgerId}: no sales unit`, 'InvalidSettlementInput');
  const book = input.book ?? emptyBook();
  let wake = input.wake ?? false;
  let roundsDone = 0;
  let roundRunning = false;
  let continuing = false;
  let lastError: string | undefined;
  const payoutIds: string[] = [];

  setHandler(settlementWakeSignal, () => {
    wake = true;
  });
  setHandler(settlementSyncUpdate, async (): Promise<SyncResult> => {
    wake = true;
    // A round already under way may have read the funds feed before this request: wait for the next one.
    const target = roundsDone + (roundRunning ? 2 : 1);
    const errorsBefore = lastError;
    await condition(() => roundsDone >= target || continuing || (lastError !== undefined && lastError !== errorsBefore));
    const caughtUp = roundsDone >= target;
    return { ledgerId: ledger.ledgerId, caughtUp, payoutIds: [...payoutIds], ...(!caughtUp && { reason: continuing ? 'continued as new; ask again' : lastError, continued: continuing }) };
  });

  const unpaidDays = ledger.unpaidAfterDays ?? DEFAULT_UNPAID_AFTER_DAYS;
  let pages = 0;
  for (;;) {
    // With captures not paid out yet, wake at the earliest moment they would count as not paid
    // out, even with no schedule: read the feed first (the payout may have come), then judge.
    const check = patched(NOT_PAID_OUT_CHECK) ? nextUnpaidCheck(book, unpaidDays) : undefined;
    if (check === undefined) await condition(() => wake);
    else if (!(await condition(() => wake, Math.max(1_000, check - Date.now())))) wake = true;
    wake = false;
    roundRunning = true;
    const outcome = await readRound(ledger, book, () => pages++ < pagesPerRun);
    roundRunning = false;
    if (outcome === 'error') {
      lastError = `reading the ${ledger.ledgerId} feeds failed; the next wake-up reads from the same cursors`;
    } else if (outcome === 'caught-up') {
      for (const payout of takePayouts(book, ledger)) {
        await recordPayout(payout);
        // Runs that recorded payouts before order records existed go on as they were.
        if (patched(ORDER_SETTLEMENT_RECORDS)) await recordOrderSettlements({ ledgerId: payout.ledgerId, payoutId: payout.payoutId });
        payoutIds.push(payout.payoutId);
      }
      if (patched(NOT_PAID_OUT_CHECK)) {
        for (const due of unpaidDue(book, unpaidDays, Date.now())) {
          await flagUnpaidCaptures({ ledgerId: ledger.ledgerId, ledgerDate: due.ledgerDate, currency: ledger.currency, days: unpaidDays, captures: due.captures });
          markUnpaidFlagged(book, due.ledgerDate);
        }
      }
      lastError = undefined;
      roundsDone += 1;
    } else {
      wake = true;
    }
    if (pages >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
      continuing = true;
      await condition(allHandlersFinished);
      return continueAsNew<typeof settlementWorkflow>({ ledger, book, wake, ...(input.pagesPerRun !== undefined && { pagesPerRun: input.pagesPerRun }) });
    }
  }
}

type RoundOutcome = 'caught-up' | 'budget' | 'error';

/** Funds first, then fees: the fees of a closed date are on the fees feed before its payout is on the funds feed. */
async function readRound(ledger: LedgerRef, book: LedgerBookState, budget: () => boolean): Promise<RoundOutcome> {
  for (const topic of ['funds', 'fees'] as const satisfies SettlementTopic[]) {
    for (;;) {
      if (!budget()) return 'budget';
      const cursor = book.cursors[topic];
      let page;
      try {
        page = await readSettlementPage({ salesUnit: ledger.units[0]!.name, ledgerId: ledger.ledgerId, topic, ...(cursor !== undefined && { cursor }) });
      } catch (err) {
        log.warn('settlement feed read failed', { ledgerId: ledger.ledgerId, topic, error: String(err) });
        return 'error';
      }
      foldPage(book, ledger, topic, page.entries);
      book.cursors[topic] = page.cursor;
      if (page.tryLater) break;
    }
  }
  return 'caught-up';
}

async function recordPayout(payout: Payout): Promise<void> {
  const { orders: _orders, ...summary } = payout;
  try {
    const child = await startChild(payoutWorkflow, {
      workflowId: payoutWorkflowId(payout.ledgerId, payout.payoutId),
      args: [payout],
      // It outlives this run (continue-as-new) and every later one.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [{ key: SalesUnitAttribute, value: payout.salesUnit }],
      memo: { payout: summary },
      staticSummary: `Payout ${payout.payoutId}: ${payout.net} ${payout.currency} net for ${payout.ledgerDates.join(', ')}`,
    });
    await child.result();
  } catch (err) {
    // Recorded before (a run that continued as new just after): the id says it is this payout.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
