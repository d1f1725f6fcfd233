import { z } from 'zod';

/**
 * Report API 2.0 (settlement ledgers, funds and fees) as the official spec describes it, shared by
 * the client and the emulator. Every field is optional in the spec; the ones a reconciliation
 * cannot work without (ids, entry type, amounts, ledger date) are required here, so an answer
 * without them is an `invalid-response` rather than a silent gap in the books.
 */

/** `Money`: minor units (øre), int32, negative for money leaving the account. */
export const ReportMoney = z.int().min(-2_147_483_648).max(2_147_483_647);

export const LedgerDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');
export type LedgerDate = z.infer<typeof LedgerDate>;

export const REPORT_TOPICS = ['funds', 'fees'] as const;
export const ReportTopic = z.enum(REPORT_TOPICS);
export type ReportTopic = z.infer<typeof ReportTopic>;

/**
 * The entry types the spec lists. The API may add more without a new version, so entries keep
 * whatever `entryType` they carry; use `isKnownEntryType` before relying on the meaning of one.
 */
export const REPORT_ENTRY_TYPES = [
  'refund',
  'capture',
  'fees-retained',
  'fees-invoiced',
  'scheduled-for-payout',
  'payout-aborted',
  'retained-disputed-capture',
  'returned-disputed-capture',
  'correction',
  'capture-fee',
  'top-up',
] as const;
export type ReportEntryType = (typeof REPORT_ENTRY_TYPES)[number];
const KNOWN_ENTRY_TYPES: ReadonlySet<string> = new Set(REPORT_ENTRY_TYPES);
export function isKnownEntryType(type: string): type is ReportEntryType {
  return KNOWN_ENTRY_TYPES.has(type);
}

/** One entry of the funds or fees account of a ledger (`Transaction` in the spec). */
export const ReportEntry = z.looseObject({
  pspReference: z.string().min(1),
  /** Date-time with an offset (or `Z`). */
  time: z.string().min(1),
  ledgerDate: LedgerDate,
  entryType: z.string().min(1),
  /** The merchant's payment reference for captures, refunds and disputes; a text for payouts. */
  reference: z.string().nullish(),
  currency: z.string().length(3),
  amount: ReportMoney,
  balanceBefore: ReportMoney,
  balanceAfter: ReportMoney,
  /** The sales unit, e.g. `api:123456` (ePayment) or `NO:123456` (Vippsnummer); absent on ledger-wide entries. */
  recipientHandle: z.string().nullish(),
});
export type ReportEntry = z.infer<typeof ReportEntry>;

const Identifier = z.looseObject({ scheme: z.string().nullish(), id: z.string().nullish() });

export const ReportLedger = z.looseObject({
  ledgerId: z.string().min(1),
  /** In the spec's example, not in its schema; the emulator sends it. */
  currency: z.string().length(3).nullish(),
  payoutBankAccount: Identifier.nullish(),
  firstPayout: z.string().nullish(),
  lastPayout: z.string().nullish(),
  owner: Identifier.nullish(),
  settlesForRecipientHandles: z.array(z.string()).default([]),
});
export type ReportLedger = z.infer<typeof ReportLedger>;

/** `cursor` is empty (or absent) when there is nothing after this page. */
export const LedgersResponse = z.looseObject({
  cursor: z.string().nullish(),
  items: z.array(ReportLedger).default([]),
});
export type LedgersResponse = z.infer<typeof LedgersResponse>;

export const ReportPageResponse = z.looseObject({
  cursor: z.string().nullish(),
  items: z.array(ReportEntry).default([]),
  tryLater: z.boolean().nullish(),
});
export type ReportPageResponse = z.infer<typeof ReportPageResponse>;

/**
 * A page of the feed. The cursor never becomes empty: pass `cursor` back for the next page. With
 * `tryLater` you are at the end for now; wait (at least a second) and ask again with the same cursor.
 */
export interface ReportFeedPage {
  items: ReportEntry[];
  cursor: string;
  tryLater: boolean;
}

/**
 * A page of one ledger date. `ready: false` while the date is not closed (the API answers 404, or
 * `tryLater`): ask again later. When ready, `cursor` is set while more pages of that date follow.
 */
export type ReportDatePage = { ready: false } | { ready: true; items: ReportEntry[]; cursor?: string };
