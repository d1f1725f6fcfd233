/**
 * What crosses the boundary of the settlement workflows (one per Report API ledger): their input,
 * the page an activity reads, the payouts they record, and their Signal and Update. Workflow-safe:
 * types and the SDK's define* calls only.
 */
import { defineSignal, defineUpdate } from '@temporalio/workflow';

export type SettlementTopic = 'funds' | 'fees';

/** A ledger of the Report API and the sales units it settles for (usually one). */
export interface LedgerRef {
  ledgerId: string;
  currency: string;
  /** The units whose money goes to this ledger; the first one's Vipps client reads it. */
  units: { name: string; msn: string }[];
  /** Captures no payout carried this many days after their ledger date are flagged (default 3; SETTLEMENT_UNPAID_AFTER_DAYS when the workflow starts). */
  unpaidAfterDays?: number;
}

/** One entry of a ledger's funds or fees account, as much of it as reconciliation needs. */
export interface SettlementEntry {
  pspReference: string;
  ledgerDate: string;
  entryType: string;
  reference: string;
  currency: string;
  amount: number;
  balanceAfter: number;
  recipientHandle?: string;
}

export interface SettlementPage {
  entries: SettlementEntry[];
  cursor: string;
  tryLater: boolean;
}

export interface ReadSettlementPageInput {
  salesUnit: string;
  ledgerId: string;
  topic: SettlementTopic;
  cursor?: string;
}

export interface SettlementActivities {
  readSettlementPage(input: ReadSettlementPageInput): Promise<SettlementPage>;
}

/** The activity a scheduled wake-up runs: signal-with-start of the ledger's settlement workflow. */
export interface SettlementWakeActivities {
  wakeSettlement(ledger: LedgerRef): Promise<void>;
}

/**
 * What a finance team should look at on a payout line: a dispute, a correction, or a refund in a
 * payout that carries no capture of the order (its capture was paid out before: a refund after
 * settlement, from the order or from the business portal).
 */
export const PAYOUT_FINDINGS = ['disputed', 'corrected', 'refund-after-settlement'] as const;
export type PayoutFinding = (typeof PAYOUT_FINDINGS)[number];

/** One order reference in a payout, in minor units. `refunded` is positive for money given back. */
export interface PayoutOrderLine {
  salesUnit: string;
  /** The Vipps reference, which is the order id (orders use their id as reference). */
  reference: string;
  captured: number;
  refunded: number;
  /** Retained (−) and returned (+) disputed captures. */
  disputed: number;
  corrected: number;
  /** captured − refunded + disputed + corrected. */
  gross: number;
  fees: number;
  net: number;
  findings: PayoutFinding[];
}

export interface Payout {
  payoutId: string;
  ledgerId: string;
  salesUnit: string;
  /** The ledger dates whose money it carries (whole dates, oldest first). */
  ledgerDates: string[];
  currency: string;
  gross: number;
  fees: number;
  net: number;
  /** What the ledger's `scheduled-for-payout` entry said; differs from `net` only if the feed is inconsistent. */
  scheduledAmount: number;
  orders: PayoutOrderLine[];
}

/** The payout without its lines: what a list shows (the payout workflow's memo). */
export type PayoutSummary = Omit<Payout, 'orders'>;

export function settlementWorkflowId(ledgerId: string): string {
  return `settlement-${ledgerId}`;
}

/** Ledger and payout ids are digits, so the `-` between them cannot be mistaken for either. */
export function payoutWorkflowId(ledgerId: string, payoutId: string): string {
  return `payout-${ledgerId}-${payoutId}`;
}

export interface SyncResult {
  ledgerId: string;
  /** True when the feeds answered `tryLater` after this request arrived. */
  caughtUp: boolean;
  /** Payouts recorded by this ledger's workflow since it was started or continued. */
  payoutIds: string[];
  /** Why it has not caught up: the last read that failed, or a continue-as-new in between. */
  reason?: string;
  /** The run continued as new before catching up: ask the next run. */
  continued?: boolean;
}

/** Wakes the workflow to read the feeds now (the schedule's way in; no answer). */
export const settlementWakeSignal = defineSignal('settlementWake');
/** Reads the feeds now and answers when they are caught up (POST /settlements/sync). */
export const settlementSyncUpdate = defineUpdate<SyncResult>('settlementSync');

/**
 * What reconciliation flags on an order (docs/operations.md says what to do about each):
 * - `capture-mismatch`: the payout carries captures of the order beyond its own (Vipps shows more captured than it made);
 * - `portal-refund`: Vipps shows more refunded than the order made (the business portal, or another system);
 * - `disputed`: a dispute retained (−) or returned (+) money of the order's capture;
 * - `corrected`: Vipps corrected the order's money on the ledger;
 * - `unknown-order`: money on the ledger for a reference with no order here;
 * - `not-paid-out`: a capture on a ledger date that no payout carried days after the date.
 */
export const SETTLEMENT_FINDINGS = ['capture-mismatch', 'portal-refund', 'disputed', 'corrected', 'unknown-order', 'not-paid-out'] as const;
export type SettlementFinding = (typeof SETTLEMENT_FINDINGS)[number];

/** The OrderAlerts value of each finding, on the order's settlement record (search attribute). */
export const SETTLEMENT_ALERTS: Record<SettlementFinding, string> = {
  'capture-mismatch': 'SETTLEMENT_CAPTURE_MISMATCH',
  'portal-refund': 'SETTLEMENT_PORTAL_REFUND',
  disputed: 'SETTLEMENT_DISPUTED',
  corrected: 'SETTLEMENT_CORRECTED',
  'unknown-order': 'SETTLEMENT_UNKNOWN_ORDER',
  'not-paid-out': 'SETTLEMENT_NOT_PAID_OUT',
};

export interface OrderSettlementFinding {
  kind: SettlementFinding;
  /** Minor units the finding is about (positive: money that left or arrived outside the order). */
  amount: number;
  detail: string;
}

/** One order's part of one payout, or a finding no payout carries (not-paid-out), as its settlement record keeps it (minor units). */
export interface OrderSettlementRecord {
  salesUnit: string;
  reference: string;
  ledgerId: string;
  /** Absent on a not-paid-out record: no payout carried the money. */
  payoutId?: string;
  ledgerDates: string[];
  currency: string;
  captured: number;
  refunded: number;
  disputed: number;
  corrected: number;
  fees: number;
  net: number;
  findings: OrderSettlementFinding[];
}

/** An order's settlement as its view shows it: every payout that carried its money, and what was flagged. */
export interface OrderSettlementView {
  payouts: (Omit<OrderSettlementRecord, 'salesUnit' | 'reference' | 'findings' | 'payoutId'> & { payoutId: string })[];
  /** `payoutId` is absent for a finding no payout carries (not-paid-out). */
  findings: (OrderSettlementFinding & { payoutId?: string })[];
}

/**
 * One record per order and payout: `/` cannot occur in a unit name or a Vipps reference, and
 * ledger and payout ids are digits, so no two records share an id.
 */
export function orderSettlementWorkflowId(salesUnit: string, reference: string, ledgerId: string, payoutId: string): string {
  return `settled-${ledgerId}-${payoutId}/${salesUnit}/${reference}`;
}

export interface RecordOrderSettlementsInput {
  ledgerId: string;
  payoutId: string;
}

/** A ledger date's captures that no payout has carried `days` after the date. */
export interface FlagUnpaidInput {
  ledgerId: string;
  ledgerDate: string;
  currency: string;
  days: number;
  captures: { salesUnit: string; reference: string; captured: number }[];
}

export interface OrderSettlementActivities {
  /** Writes each order's record of a payout (closed workflows) with what is flagged on it. */
  recordOrderSettlements(input: RecordOrderSettlementsInput): Promise<{ orders: number; findings: number }>;
  /** Writes a not-paid-out record for each capture. */
  flagUnpaidCaptures(input: FlagUnpaidInput): Promise<void>;
}

/** The not-paid-out record of an order's captures on one ledger date. */
export function unpaidRecordWorkflowId(salesUnit: string, reference: string, ledgerId: string, ledgerDate: string): string {
  return `unpaid-${ledgerId}-${ledgerDate}/${salesUnit}/${reference}`;
}
