import { type Clock } from '../options';
import { type OnChange } from '../state/changeFeed';
import { type Ledger } from '../state/ledger';
import { captureFee, type FeeRule } from './fees';
import { addDays, LedgerCalendar } from './ledgerCalendar';
import { type LedgerSnapshot, type PayoutRecord, type SettlementIds, SettlementLedger } from './settlementLedger';

/**
 * The Report API's ledgers, one per sales unit, built from the money movements the emulator
 * already records (`state.ledger`): each capture becomes a funds entry and a capture fee, each
 * refund (through the API or the portal) a funds entry, with the movement's pspReference. On top
 * come what only the settlement side knows: disputes, corrections, closed ledger dates, payouts.
 *
 * Movements are taken over lazily, by `sync()`, which every reader and writer calls first; a date
 * the clock has left behind is closed in the same step (unless automatic closing is off). Since
 * nothing can observe the ledgers without a sync, this is the same as doing it as things happen.
 */

export interface SettlementSettings {
  /** A ledger keeps the currency its sales unit takes payments in, so its entries are in their payments' currency. */
  currencyOf(msn: string): string;
  /** Sales units that have a ledger from the start (the ones the keys act for). */
  msns: readonly string[];
  defaultFee: FeeRule;
  timeZone: string;
  cutoffMinutes: number;
  /** Close a ledger date by itself once the clock passes its cutoff. */
  autoClose: boolean;
}

export interface DisputeRecord {
  disputeId: string;
  msn: string;
  reference: string;
  amount: number;
  state: 'retained' | 'returned' | 'lost';
  openedAt: string;
  resolvedAt?: string;
}

export interface SettlementSnapshot {
  appliedMovements: number;
  nextSettlementId: number;
  nextPayoutId: number;
  fees: { msn: string; rule: FeeRule }[];
  disputes: DisputeRecord[];
  ledgers: LedgerSnapshot[];
}

export type BookResult<T> = { ok: true; value: T } | { ok: false; status: 404 | 409; detail: string };

const FIRST_PAYOUT_ID = 2_000_001;
const FIRST_SETTLEMENT_ID = 1;

export function ledgerIdOf(msn: string): string {
  return `7${msn}`;
}

export class SettlementBook {
  readonly calendar: LedgerCalendar;
  private readonly ledgers = new Map<string, SettlementLedger>();
  private readonly feeRules = new Map<string, FeeRule>();
  private disputes: DisputeRecord[] = [];
  private appliedMovements = 0;
  private nextSettlementId = FIRST_SETTLEMENT_ID;
  private nextPayoutId = FIRST_PAYOUT_ID;
  private readonly ids: SettlementIds = {
    settlementId: () => String(9_000_000_000 + this.nextSettlementId++),
    payoutId: () => String(this.nextPayoutId++),
  };

  constructor(
    private readonly movements: Ledger,
    private readonly settings: SettlementSettings,
    private readonly clock: Clock,
    private readonly onChange: OnChange = () => undefined,
  ) {
    this.calendar = new LedgerCalendar(settings.timeZone, settings.cutoffMinutes);
    this.clear(false);
  }

  /** Takes over new movements and closes dates the clock has passed. */
  sync(): void {
    let changed = false;
    for (const movement of this.movements.after(this.appliedMovements)) {
      this.appliedMovements = movement.seq;
      changed = true;
      if (movement.kind !== 'capture' && movement.kind !== 'refund') continue;
      const ledger = this.ledgerFor(movement.msn);
      const at = Date.parse(movement.at);
      this.autoClose(ledger, at);
      const date = ledger.openDate(this.calendar.dateOf(at));
      const base = { pspReference: movement.pspReference, time: movement.at, reference: movement.reference, recipientHandle: ledger.recipientHandle };
      const value = movement.amount.value;
      if (movement.kind === 'refund') {
        ledger.post('funds', date, { ...base, entryType: 'refund', amount: -value });
        continue;
      }
      ledger.post('funds', date, { ...base, entryType: 'capture', amount: value });
      const fee = captureFee(value, this.feeRule(movement.msn));
      if (fee > 0) ledger.post('fees', date, { ...base, entryType: 'capture-fee', amount: -fee });
    }
    const now = this.clock.now();
    for (const ledger of this.ledgers.values()) changed = this.autoClose(ledger, now) || changed;
    if (changed) this.onChange();
  }

  all(): SettlementLedger[] {
    this.sync();
    return [...this.ledgers.values()];
  }

  byLedgerId(ledgerId: string): SettlementLedger | undefined {
    return this.all().find((l) => l.ledgerId === ledgerId);
  }

  byMsn(msn: string): SettlementLedger | undefined {
    this.sync();
    return this.ledgers.get(msn);
  }

  /** Closes the current ledger date of every ledger now and schedules the payouts. */
  closeNow(): PayoutRecord[] {
    this.sync();
    const now = this.clock.now();
    const time = new Date(now).toISOString();
    const payouts = [...this.ledgers.values()].flatMap((l) => l.closeThrough(l.openDate(this.calendar.dateOf(now)), () => time, this.ids));
    this.onChange();
    return payouts;
  }

  feeRule(msn: string): FeeRule {
    return this.feeRules.get(msn) ?? this.settings.defaultFee;
  }

  /** From the next capture on; captures already on the ledger keep the fee they had. */
  setFeeRule(msn: string, rule: FeeRule): void {
    this.sync();
    this.feeRules.set(msn, rule);
    this.onChange();
  }

  /** The card issuer disputes a capture: its money leaves the funds account until the dispute is decided. */
  openDispute(msn: string, reference: string, amount?: number): BookResult<DisputeRecord> {
    const ledger = this.byMsn(msn);
    const open = this.disputes.filter((d) => d.msn === msn && d.reference === reference && d.state !== 'returned');
    const retained = open.reduce((sum, d) => sum + d.amount, 0);
    const settled = ledger?.entries('funds').filter((e) => e.reference === reference && (e.entryType === 'capture' || e.entryType === 'refund')) ?? [];
    if (!ledger || settled.length === 0) return { ok: false, status: 404, detail: `No capture of ${reference} on the ledger of MSN ${msn}` };
    const disputable = settled.reduce((sum, e) => sum + e.amount, 0) - retained;
    const value = amount ?? disputable;
    if (value <= 0 || value > disputable) return { ok: false, status: 409, detail: `${reference} has ${disputable} øre that can be disputed, not ${value}` };
    const time = new Date(this.clock.now()).toISOString();
    const entry = this.post(ledger, 'retained-disputed-capture', reference, -value, time);
    const dispute: DisputeRecord = { disputeId: entry.pspReference, msn, reference, amount: value, state: 'retained', openedAt: time };
    this.disputes.push(dispute);
    this.onChange();
    return { ok: true, value: dispute };
  }

  /** The merchant won (the money comes back) or lost (it stays gone). */
  resolveDispute(disputeId: string, merchantWon: boolean): BookResult<DisputeRecord> {
    this.sync();
    const index = this.disputes.findIndex((d) => d.disputeId === disputeId);
    const dispute = this.disputes[index];
    if (!dispute) return { ok: false, status: 404, detail: `No dispute ${disputeId}` };
    if (dispute.state !== 'retained') return { ok: false, status: 409, detail: `Dispute ${disputeId} is already ${dispute.state}` };
    const time = new Date(this.clock.now()).toISOString();
    const ledger = this.ledgerFor(dispute.msn);
    if (merchantWon) this.post(ledger, 'returned-disputed-capture', dispute.reference, dispute.amount, time);
    const resolved: DisputeRecord = { ...dispute, state: merchantWon ? 'returned' : 'lost', resolvedAt: time };
    this.disputes[index] = resolved;
    this.onChange();
    return { ok: true, value: resolved };
  }

  listDisputes(msn?: string): DisputeRecord[] {
    return this.disputes.filter((d) => msn === undefined || d.msn === msn);
  }

  /** A manual adjustment by Vipps: money in (positive) or out (negative), with or without a payment reference. */
  addCorrection(msn: string, amount: number, reference?: string): BookResult<{ pspReference: string; ledgerDate: string }> {
    this.sync();
    const ledger = this.ledgerFor(msn);
    const entry = this.post(ledger, 'correction', reference, amount, new Date(this.clock.now()).toISOString());
    this.onChange();
    return { ok: true, value: { pspReference: entry.pspReference, ledgerDate: entry.ledgerDate } };
  }

  snapshot(): SettlementSnapshot {
    return {
      appliedMovements: this.appliedMovements,
      nextSettlementId: this.nextSettlementId,
      nextPayoutId: this.nextPayoutId,
      fees: [...this.feeRules].map(([msn, rule]) => ({ msn, rule })),
      disputes: [...this.disputes],
      ledgers: [...this.ledgers.values()].map((l) => l.snapshot()),
    };
  }

  restore(s: SettlementSnapshot): void {
    this.clear(false);
    this.appliedMovements = s.appliedMovements;
    this.nextSettlementId = s.nextSettlementId;
    this.nextPayoutId = s.nextPayoutId;
    for (const { msn, rule } of s.fees) this.feeRules.set(msn, rule);
    this.disputes = [...s.disputes];
    for (const snapshot of s.ledgers) this.ledgers.set(snapshot.msn, SettlementLedger.restore(snapshot));
  }

  clear(notify = true): void {
    this.ledgers.clear();
    this.feeRules.clear();
    this.disputes = [];
    this.appliedMovements = 0;
    this.nextSettlementId = FIRST_SETTLEMENT_ID;
    this.nextPayoutId = FIRST_PAYOUT_ID;
    for (const msn of this.settings.msns) this.ledgerFor(msn);
    if (notify) this.onChange();
  }

  private post(ledger: SettlementLedger, entryType: string, reference: string | undefined, amount: number, time: string) {
    const pspReference = this.ids.settlementId();
    const date = ledger.openDate(this.calendar.dateOf(Date.parse(time)));
    return ledger.post('funds', date, { pspReference, time, entryType, reference: reference ?? pspReference, amount, recipientHandle: ledger.recipientHandle });
  }

  private ledgerFor(msn: string): SettlementLedger {
    let ledger = this.ledgers.get(msn);
    if (!ledger) {
      ledger = new SettlementLedger(ledgerIdOf(msn), msn, this.settings.currencyOf(msn));
      this.ledgers.set(msn, ledger);
    }
    return ledger;
  }

  /** Closes the dates before the one `at` falls on; true when anything changed. */
  private autoClose(ledger: SettlementLedger, at: number): boolean {
    if (!this.settings.autoClose) return false;
    const before = ledger.closedThrough;
    // Dates after a manual close (later than the clock's date) stay open: they are not past their cutoff.
    const target = addDays(this.calendar.dateOf(at), -1);
    const payouts = ledger.closeThrough(target, (date) => new Date(this.calendar.endOf(date)).toISOString(), this.ids);
    return payouts.length > 0 || ledger.closedThrough !== before;
  }
}
