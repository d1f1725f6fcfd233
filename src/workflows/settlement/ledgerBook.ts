/**
 * The books of one ledger as the settlement workflow folds the Report API's feeds into them:
 * totals per ledger date and order reference, until a `scheduled-for-payout` entry closes the
 * dates it pays out. Pure and deterministic (plain JSON state), so it replays and survives
 * continue-as-new as it is.
 */
import type { LedgerRef, Payout, PayoutFinding, PayoutOrderLine, SettlementEntry, SettlementTopic } from '../messages/settlement';

interface OpenLine {
  salesUnit: string;
  reference: string;
  captured: number;
  refunded: number;
  disputed: number;
  corrected: number;
  fees: number;
}

interface DateBucket {
  /** By sales unit and reference: units sharing a ledger may each have an order with the same reference. */
  lines: Record<string, OpenLine>;
  /** Fees retained from the funds at the date's close (positive). */
  feesRetained: number;
  /** Entries already counted on this date: reading one again must change nothing. */
  seen: Record<string, true>;
  /** Its captures were flagged not-paid-out (once). */
  unpaidFlagged?: true;
}

interface PendingPayout {
  payoutId: string;
  ledgerDate: string;
  amount: number;
  currency: string;
}

export interface LedgerBookState {
  cursors: Partial<Record<SettlementTopic, string>>;
  dates: Record<string, DateBucket>;
  /** The last ledger date a payout carried: dates close in order, so nothing at or before it is new. */
  paidThrough?: string;
  pending: PendingPayout[];
  /** Entries read again (a repeated page) and left out. */
  duplicates: number;
  /** Entries of types this version does not reconcile (e.g. payout-aborted, top-up), by type. */
  unhandled: Record<string, number>;
}

export function emptyBook(): LedgerBookState {
  return { cursors: {}, dates: {}, pending: [], duplicates: 0, unhandled: {} };
}

function unitOf(ledger: LedgerRef, handle: string | undefined): string {
  const unit = handle === undefined ? undefined : ledger.units.find((u) => `api:${u.msn}` === handle);
  return (unit ?? ledger.units[0]!).name;
}

function bucketOf(book: LedgerBookState, date: string): DateBucket {
  let bucket = book.dates[date];
  if (!bucket) {
    bucket = { lines: {}, feesRetained: 0, seen: {} };
    book.dates[date] = bucket;
  }
  return bucket;
}

function lineOf(bucket: DateBucket, ledger: LedgerRef, entry: SettlementEntry): OpenLine {
  const salesUnit = unitOf(ledger, entry.recipientHandle);
  const key = `${salesUnit}/${entry.reference}`;
  let line = bucket.lines[key];
  if (!line) {
    line = { salesUnit, reference: entry.reference, captured: 0, refunded: 0, disputed: 0, corrected: 0, fees: 0 };
    bucket.lines[key] = line;
  }
  return line;
}

/**
 * Counts the entries of one page. The key is the account, type and pspReference (the same
 * pspReference is on a capture and its fee, on two accounts); the balance after it pins the
 * entry's place in its account, so two entries can only share a key if they are the same one.
 */
export function foldPage(book: LedgerBookState, ledger: LedgerRef, topic: SettlementTopic, entries: readonly SettlementEntry[]): void {
  for (const entry of entries) {
    if (book.paidThrough !== undefined && entry.ledgerDate <= book.paidThrough) {
      book.duplicates += 1;
      continue;
    }
    const bucket = bucketOf(book, entry.ledgerDate);
    const key = `${topic}:${entry.entryType}:${entry.pspReference}:${entry.balanceAfter}`;
    if (bucket.seen[key]) {
      book.duplicates += 1;
      continue;
    }
    bucket.seen[key] = true;
    if (topic === 'fees') foldFee(bucket, ledger, entry, book);
    else foldFunds(bucket, ledger, entry, book);
  }
}

function foldFunds(bucket: DateBucket, ledger: LedgerRef, entry: SettlementEntry, book: LedgerBookState): void {
  switch (entry.entryType) {
    case 'capture':
      lineOf(bucket, ledger, entry).captured += entry.amount;
      return;
    case 'refund':
      lineOf(bucket, ledger, entry).refunded -= entry.amount;
      return;
    case 'retained-disputed-capture':
    case 'returned-disputed-capture':
      lineOf(bucket, ledger, entry).disputed += entry.amount;
      return;
    case 'correction':
      lineOf(bucket, ledger, entry).corrected += entry.amount;
      return;
    case 'fees-retained':
      bucket.feesRetained -= entry.amount;
      return;
    case 'scheduled-for-payout':
      book.pending.push({ payoutId: entry.pspReference, ledgerDate: entry.ledgerDate, amount: -entry.amount, currency: entry.currency });
      return;
    default:
      book.unhandled[entry.entryType] = (book.unhandled[entry.entryType] ?? 0) + 1;
  }
}

function foldFee(bucket: DateBucket, ledger: LedgerRef, entry: SettlementEntry, book: LedgerBookState): void {
  // The fees account's own `fees-retained` mirrors the funds entry of the same name, counted there.
  if (entry.entryType === 'fees-retained') return;
  if (entry.entryType === 'capture-fee') lineOf(bucket, ledger, entry).fees -= entry.amount;
  else book.unhandled[`fees:${entry.entryType}`] = (book.unhandled[`fees:${entry.entryType}`] ?? 0) + 1;
}

const DAY_MS = 24 * 3600_000;

/** When a date's captures count as not paid out: `days` whole days after the date ended (UTC; the ledger's own zone is an hour or two off, which days make small). */
export function unpaidDueAt(ledgerDate: string, days: number): number {
  return Date.parse(`${ledgerDate}T00:00:00Z`) + (1 + days) * DAY_MS;
}

function capturesOf(bucket: DateBucket): { salesUnit: string; reference: string; captured: number }[] {
  return Object.values(bucket.lines)
    .filter((l) => l.captured > 0)
    .map((l) => ({ salesUnit: l.salesUnit, reference: l.reference, captured: l.captured }));
}

/** The open dates whose captures no payout has carried `days` after the date, not flagged yet. */
export function unpaidDue(book: LedgerBookState, days: number, now: number): { ledgerDate: string; captures: { salesUnit: string; reference: string; captured: number }[] }[] {
  return Object.entries(book.dates)
    .filter(([date, bucket]) => !bucket.unpaidFlagged && now >= unpaidDueAt(date, days) && capturesOf(bucket).length > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ledgerDate, bucket]) => ({ ledgerDate, captures: capturesOf(bucket) }));
}

export function markUnpaidFlagged(book: LedgerBookState, ledgerDate: string): void {
  const bucket = book.dates[ledgerDate];
  if (bucket) bucket.unpaidFlagged = true;
}

/** When the next open date with captures becomes due, if any. */
export function nextUnpaidCheck(book: LedgerBookState, days: number): number | undefined {
  const due = Object.entries(book.dates)
    .filter(([, bucket]) => !bucket.unpaidFlagged && capturesOf(bucket).length > 0)
    .map(([date]) => unpaidDueAt(date, days));
  return due.length ? Math.min(...due) : undefined;
}

function findingsOf(l: OpenLine): PayoutFinding[] {
  const findings: PayoutFinding[] = [];
  if (l.disputed !== 0) findings.push('disputed');
  if (l.corrected !== 0) findings.push('corrected');
  if (l.refunded !== 0 && l.captured === 0) findings.push('refund-after-settlement');
  return findings;
}

/**
 * The payouts whose dates are complete. Call only after the fees feed was read to its end after
 * the funds feed: a date's fees are written before the funds entry that schedules its payout.
 */
export function takePayouts(book: LedgerBookState, ledger: LedgerRef): Payout[] {
  const payouts: Payout[] = [];
  for (const pending of book.pending) {
    const dates = Object.keys(book.dates)
      .filter((d) => d <= pending.ledgerDate)
      .sort();
    const lines = new Map<string, OpenLine>();
    let fees = 0;
    for (const date of dates) {
      const bucket = book.dates[date]!;
      fees += bucket.feesRetained;
      for (const [key, l] of Object.entries(bucket.lines)) {
        const sum = lines.get(key) ?? { ...l, captured: 0, refunded: 0, disputed: 0, corrected: 0, fees: 0 };
        sum.captured += l.captured;
        sum.refunded += l.refunded;
        sum.disputed += l.disputed;
        sum.corrected += l.corrected;
        sum.fees += l.fees;
        lines.set(key, sum);
      }
      delete book.dates[date];
    }
    const orders: PayoutOrderLine[] = [...lines.values()].map((l) => {
      const gross = l.captured - l.refunded + l.disputed + l.corrected;
      return { salesUnit: l.salesUnit, reference: l.reference, captured: l.captured, refunded: l.refunded, disputed: l.disputed, corrected: l.corrected, gross, fees: l.fees, net: gross - l.fees, findings: findingsOf(l) };
    });
    const gross = orders.reduce((s, o) => s + o.gross, 0);
    payouts.push({
      payoutId: pending.payoutId,
      ledgerId: ledger.ledgerId,
      salesUnit: ledger.units[0]!.name,
      ledgerDates: dates.length > 0 ? dates : [pending.ledgerDate],
      currency: pending.currency,
      gross,
      fees,
      net: gross - fees,
      scheduledAmount: pending.amount,
      orders,
    });
    book.paidThrough = pending.ledgerDate;
  }
  book.pending = [];
  return payouts;
}
