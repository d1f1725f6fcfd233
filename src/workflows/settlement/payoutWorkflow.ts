/**
 * One payout, recorded as a workflow of its own that completes at once with the payout as its
 * result. Why a workflow: the settlement workflow runs for ever and continues-as-new, so payouts
 * kept in its state would be readable only by a (billed) Query to an open run and would have to
 * be carried through every continue-as-new. As closed workflows they are listed by a visibility
 * query (WorkflowType, SalesUnit, the summary in the memo), read for free as a closed run's
 * result, kept for the namespace's retention, and their deterministic id
 * `payout-<ledgerId>-<payoutId>` makes recording the same payout twice impossible.
 */
import type { Payout } from '../messages/settlement';

export function payoutWorkflow(payout: Payout): Promise<Payout> {
  return Promise.resolve(payout);
}
