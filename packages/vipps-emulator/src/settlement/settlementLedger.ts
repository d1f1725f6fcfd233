import { addDays } from './ledgerCalendar';

/**
 * One ledger of the Report API: the funds account (what Vipps owes the merchant) and the fees
 * account (what the merchant owes Vipps) of one sales unit, each an append-only list of entries
 * with running balances. Entries are never changed once written, like the real reports: a
 * mistake is undone by a new entry (a correction), never by editing an old one.
 */

export type Topic = 'funds' | 'fees';

export interface ReportEntryRecord {
  pspReference: string;
  time: string;
  ledgerDate: string;
  entryType: string;
  reference: string;
  currency: string;
  amount: number;
  balanceBefore: number;
  balanceAfter: number;
  recipientHandle?: string;
}

export interface PayoutRecord {
  payoutId: string;
  ledgerId: string;
  msn: string;
  currency: string;
  /** The ledger dates whose money this payout carries (a payout is always whole dates). */
  ledgerDates: string[];
  scheduledAt: string;
  /** Everything that moved on the funds account in those dates except fees: captures − refunds ± disputes ± corrections. */
  gross: number;
  fees: number;
  /** gross − fees, the amount of the `scheduled-for-payout` entry. */
  net: number;
}

export interface LedgerSnapshot {
  ledgerId: string;
  msn: string;
  currency: string;
  funds: ReportEntryRecord[];
  fees: ReportEntryRecord[];
  closedThrough: string | null;
  payouts: PayoutRecord[];
  /** Closed dates (with entries) since the last payout, and the fees retained in them. */
  unpaidDates: string[];
  unpaidFees: number;
}

export interface SettlementIds {
  /** pspReference of an entry the emulator makes itself (fees retained, dispute, correction). */
  settlementId(): string;
  payoutId(): string;
}

export type NewEntry = Omit<ReportEntryRecord, 'balanceBefore' | 'balanceAfter' | 'currency' | 'ledgerDate'>;

class Account {
  readonly entries: ReportEntryRecord[] = [];
  private readonly byDate = new Map<string, ReportEntryRecord[]>();

  get balance(): number {
    return this.entries.at(-1)?.balanceAfter ?? 0;
  }

  push(entry: ReportEntryRecord): ReportEntryRecord {
    this.entries.push(entry);
    const list = this.byDate.get(entry.ledgerDate);
    if (list) list.push(entry);
    else this.byDate.set(entry.ledgerDate, [entry]);
    return entry;
  }

  onDate(date: string): readonly ReportEntryRecord[] {
    return this.byDate.get(date) ?? [];
  }
}

export class SettlementLedger {
  readonly recipientHandle: string;
  private readonly accounts: Record<Topic, Account> = { funds: new Account(), fees: new Account() };
  private closed: string | null = null;
  private readonly payoutList: PayoutRecord[] = [];
  private unpaidDates: string[] = [];
  private unpaidFees = 0;
  /** Dates that have entries and are not closed yet, oldest first (usually one or none). */
  private openWithEntries: string[] = [];

  constructor(
    readonly ledgerId: string,
    readonly msn: string,
    readonly currency: string,
  ) {
    this.recipientHandle = `api:${msn}`;
  }

  get closedThrough(): string | null {
    return this.closed;
  }

  get payouts(): readonly PayoutRecord[] {
    return this.payoutList;
  }

  balance(topic: Topic): number {
    return this.accounts[topic].balance;
  }

  entries(topic: Topic): readonly ReportEntryRecord[] {
    return this.accounts[topic].entries;
  }

  entriesOn(topic: Topic, date: string): readonly ReportEntryRecord[] {
    return this.accounts[topic].onDate(date);
  }

  isClosed(date: string): boolean {
    return this.closed !== null && date <= this.closed;
  }

  /**
   * Where an entry made at `naturalDate` goes: the date still open with entries if there is one
   * (it lasts until it is closed), else that date or the day after the last closed one.
   */
  openDate(naturalDate: string): string {
    const pending = this.openWithEntries.at(-1);
    if (pending !== undefined) return pending;
    if (this.closed === null) return naturalDate;
    const next = addDays(this.closed, 1);
    return naturalDate > next ? naturalDate : next;
  }

  post(topic: Topic, ledgerDate: string, entry: NewEntry): ReportEntryRecord {
    const account = this.accounts[topic];
    const balanceBefore = account.balance;
    this.noteOpen(ledgerDate);
    return account.push({ ...entry, ledgerDate, currency: this.currency, balanceBefore, balanceAfter: balanceBefore + entry.amount });
  }

  /**
   * Closes `date`: the fees charged so far are retained from the funds (net settlement), and a
   * positive balance is scheduled for payout. A zero or negative balance carries over to the next
   * date; its money then goes with the next payout.
   */
  private close(date: string, time: string, ids: SettlementIds): PayoutRecord | undefined {
    if (this.entriesOn('funds', date).length > 0 || this.entriesOn('fees', date).length > 0) this.unpaidDates.push(date);
    const feesDue = -this.balance('fees');
    if (feesDue !== 0) {
      const id = ids.settlementId();
      this.post('fees', date, { pspReference: id, time, entryType: 'fees-retained', reference: id, amount: feesDue });
      this.post('funds', date, { pspReference: id, time, entryType: 'fees-retained', reference: id, amount: -feesDue });
      this.unpaidFees += feesDue;
    }
    this.closed = date;
    const net = this.balance('funds');
    if (net <= 0) return undefined;
    const payoutId = ids.payoutId();
    this.post('funds', date, { pspReference: payoutId, time, entryType: 'scheduled-for-payout', reference: `payout ${payoutId} to ${this.recipientHandle}`, amount: -net });
    const payout: PayoutRecord = {
      payoutId,
      ledgerId: this.ledgerId,
      msn: this.msn,
      currency: this.currency,
      ledgerDates: this.unpaidDates,
      scheduledAt: time,
      gross: net + this.unpaidFees,
      fees: this.unpaidFees,
      net,
    };
    this.payoutList.push(payout);
    this.unpaidDates = [];
    this.unpaidFees = 0;
    return payout;
  }

  /**
   * Closes every date up to `target` that is still open, oldest first (each with its own fees and
   * payout), and marks the dates in between without entries closed too. Returns the new payouts.
   */
  closeThrough(target: string, timeOf: (date: string) => string, ids: SettlementIds): PayoutRecord[] {
    const payouts: PayoutRecord[] = [];
    while (this.openWithEntries[0] !== undefined && this.openWithEntries[0] <= target) {
      const date = this.openWithEntries[0];
      const payout = this.close(date, timeOf(date), ids);
      if (payout) payouts.push(payout);
      this.openWithEntries.shift();
    }
    if (this.closed === null || target > this.closed) this.closed = target;
    return payouts;
  }

  private noteOpen(date: string): void {
    if (this.isClosed(date) || this.openWithEntries.includes(date)) return;
    this.openWithEntries.push(date);
    this.openWithEntries.sort();
  }

  snapshot(): LedgerSnapshot {
    return {
      ledgerId: this.ledgerId,
      msn: this.msn,
      currency: this.currency,
      funds: [...this.accounts.funds.entries],
      fees: [...this.accounts.fees.entries],
      closedThrough: this.closed,
      payouts: [...this.payoutList],
      unpaidDates: [...this.unpaidDates],
      unpaidFees: this.unpaidFees,
    };
  }

  static restore(s: LedgerSnapshot): SettlementLedger {
    const ledger = new SettlementLedger(s.ledgerId, s.msn, s.currency);
    for (const topic of ['funds', 'fees'] as const) {
      let balance = 0;
      for (const entry of s[topic]) {
        if (entry.balanceBefore !== balance || entry.balanceAfter !== balance + entry.amount) {
          throw new Error(`ledger ${s.ledgerId} ${topic} entry ${entry.pspReference}: balances do not add up`);
        }
        balance = entry.balanceAfter;
        ledger.accounts[topic].push(entry);
        ledger.noteOpen(entry.ledgerDate);
      }
    }
    ledger.closed = s.closedThrough;
    ledger.openWithEntries = ledger.openWithEntries.filter((date) => !ledger.isClosed(date));
    ledger.payoutList.push(...s.payouts);
    ledger.unpaidDates = [...s.unpaidDates];
    ledger.unpaidFees = s.unpaidFees;
    return ledger;
  }
}
