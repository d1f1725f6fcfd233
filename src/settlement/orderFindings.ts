/**
 * What a payout line says about its order, beside what the order itself knows. Pure: the activity
 * that writes the records (src/activities/orderSettlements.ts) gathers the facts.
 */
import type { OrderSettlementFinding, PayoutOrderLine } from '../workflows/messages/settlement';

export interface OrderFacts {
  /** Undefined when no order of this unit has the reference. */
  order?: {
    /** What the order's own refunds came to (REFUNDED ones, after settlement included). */
    ownRefunded: number;
    /** What the order's own captures came to (CAPTURED shipments). */
    ownCaptured: number;
  };
  /** What Vipps shows refunded on the payment (getPayment), asked only when the line has refunds. */
  vippsRefunded?: number;
  /** What Vipps shows captured on the payment (the same getPayment), asked only when the line has captures. */
  vippsCaptured?: number;
  /** What earlier payouts of this order flagged already, so one movement is flagged once. */
  flaggedBefore: { 'portal-refund': number; 'capture-mismatch': number };
}

export const NOTHING_FLAGGED: OrderFacts['flaggedBefore'] = { 'portal-refund': 0, 'capture-mismatch': 0 };

export function orderFindings(line: PayoutOrderLine, currency: string, facts: OrderFacts): OrderSettlementFinding[] {
  const findings: OrderSettlementFinding[] = [];
  const money = (minor: number) => `${(minor / 100).toFixed(2)} ${currency}`;
  if (!facts.order) {
    const gross = line.captured - line.refunded + line.disputed + line.corrected;
    findings.push({ kind: 'unknown-order', amount: Math.abs(gross), detail: `the ledger has ${money(gross)} for reference ${line.reference}, and this sales unit has no order with that id` });
    return findings;
  }
  if (line.captured > 0 && facts.vippsCaptured !== undefined) {
    // Captures Vipps shows beyond the order's own (the portal, another system), less those flagged before;
    // never more than this payout carries: the rest is flagged with the payout that carries it.
    const outside = Math.min(line.captured, facts.vippsCaptured - facts.order.ownCaptured - facts.flaggedBefore['capture-mismatch']);
    if (outside > 0) {
      findings.push({ kind: 'capture-mismatch', amount: outside, detail: `${money(outside)} was captured outside this order (the business portal or another system): Vipps shows ${money(facts.vippsCaptured)} captured, the order's own captures ${money(facts.order.ownCaptured)}` });
    }
  }
  if (line.refunded > 0 && facts.vippsRefunded !== undefined) {
    // Refunds Vipps shows beyond the order's own, less those an earlier payout flagged already.
    const outside = Math.min(line.refunded, facts.vippsRefunded - facts.order.ownRefunded - facts.flaggedBefore['portal-refund']);
    if (outside > 0) {
      findings.push({ kind: 'portal-refund', amount: outside, detail: `${money(outside)} was refunded outside this order (the business portal or another system): Vipps shows ${money(facts.vippsRefunded)} refunded, the order's own refunds ${money(facts.order.ownRefunded)}` });
    }
  }
  if (line.disputed !== 0) {
    findings.push({ kind: 'disputed', amount: Math.abs(line.disputed), detail: line.disputed < 0 ? `${money(-line.disputed)} of the capture was retained for a dispute` : `${money(line.disputed)} of a disputed capture was returned` });
  }
  if (line.corrected !== 0) findings.push({ kind: 'corrected', amount: Math.abs(line.corrected), detail: `Vipps corrected the order's money by ${money(line.corrected)} on the ledger` });
  return findings;
}
