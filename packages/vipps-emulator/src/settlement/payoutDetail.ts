import { type PayoutRecord, type SettlementLedger } from './settlementLedger';

/**
 * What one payout carries, per payment reference: the emulator's own answer to "which order's
 * money is in this payout", for tests to compare a reconciliation against, to the øre.
 */

export interface PayoutOrderLine {
  msn: string;
  reference: string;
  captured: number;
  /** Positive: money that went back to the customer. */
  refunded: number;
  /** Retained (negative) and returned (positive) disputed captures, summed. */
  disputed: number;
  corrected: number;
  gross: number;
  fees: number;
  net: number;
}

const PAYOUT_ONLY = new Set(['fees-retained', 'scheduled-for-payout']);

export function payoutDetail(ledger: SettlementLedger, payout: PayoutRecord): { payout: PayoutRecord; orders: PayoutOrderLine[] } {
  const lines = new Map<string, PayoutOrderLine>();
  const line = (reference: string) => {
    let found = lines.get(reference);
    if (!found) {
      found = { msn: ledger.msn, reference, captured: 0, refunded: 0, disputed: 0, corrected: 0, gross: 0, fees: 0, net: 0 };
      lines.set(reference, found);
    }
    return found;
  };
  for (const date of payout.ledgerDates) {
    for (const entry of ledger.entriesOn('funds', date)) {
      if (PAYOUT_ONLY.has(entry.entryType)) continue;
      const l = line(entry.reference);
      if (entry.entryType === 'capture') l.captured += entry.amount;
      else if (entry.entryType === 'refund') l.refunded -= entry.amount;
      else if (entry.entryType === 'correction') l.corrected += entry.amount;
      else l.disputed += entry.amount;
      l.gross += entry.amount;
    }
    for (const entry of ledger.entriesOn('fees', date)) {
      if (entry.entryType === 'capture-fee') line(entry.reference).fees -= entry.amount;
    }
  }
  const orders = [...lines.values()].map((l) => ({ ...l, net: l.gross - l.fees }));
  return { payout, orders };
}
