import { z } from 'zod';

/** The settlement ledgers in the state file (optional: files written before they existed load with none). */

const Int = z.int();
const NonNegative = z.int().nonnegative();
const LedgerDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const NonEmpty = z.string().min(1);

const StoredReportEntry = z.object({
  pspReference: NonEmpty,
  time: NonEmpty,
  ledgerDate: LedgerDate,
  entryType: NonEmpty,
  reference: z.string(),
  currency: z.string().length(3),
  amount: Int,
  balanceBefore: Int,
  balanceAfter: Int,
  recipientHandle: z.string().optional(),
});

const StoredPayout = z.object({
  payoutId: NonEmpty,
  ledgerId: NonEmpty,
  msn: NonEmpty,
  currency: z.string().length(3),
  ledgerDates: z.array(LedgerDate),
  scheduledAt: NonEmpty,
  gross: Int,
  fees: Int,
  net: Int,
});

const StoredSettlementLedger = z.object({
  ledgerId: NonEmpty,
  msn: NonEmpty,
  currency: z.string().length(3),
  funds: z.array(StoredReportEntry),
  fees: z.array(StoredReportEntry),
  closedThrough: LedgerDate.nullable(),
  payouts: z.array(StoredPayout),
  unpaidDates: z.array(LedgerDate),
  unpaidFees: Int,
});

const FeeRule = z.object({ fixedMinor: NonNegative, percentBasisPoints: NonNegative });

export const StoredSettlement = z.object({
  appliedMovements: NonNegative,
  nextSettlementId: z.int().positive(),
  nextPayoutId: z.int().positive(),
  fees: z.array(z.object({ msn: NonEmpty, rule: FeeRule })),
  disputes: z.array(
    z.object({
      disputeId: NonEmpty,
      msn: NonEmpty,
      reference: NonEmpty,
      amount: z.int().positive(),
      state: z.enum(['retained', 'returned', 'lost']),
      openedAt: NonEmpty,
      resolvedAt: NonEmpty.optional(),
    }),
  ),
  ledgers: z.array(StoredSettlementLedger),
});
