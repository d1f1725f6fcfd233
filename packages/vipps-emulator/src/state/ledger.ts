import { type Amount } from '@vipps-orders/vipps/schemas';
import { type OnChange } from './changeFeed';

export type MovementKind = 'authorize' | 'capture' | 'cancel' | 'refund';

export interface LedgerEntry {
  seq: number;
  kind: MovementKind;
  msn: string;
  reference: string;
  amount: Amount;
  idempotencyKey: string | null;
  pspReference: string;
  at: string;
}

export interface CurrencyTotals {
  authorized: number;
  captured: number;
  cancelled: number;
  refunded: number;
}

const TOTAL_FIELD: Record<MovementKind, keyof CurrencyTotals> = {
  authorize: 'authorized',
  capture: 'captured',
  cancel: 'cancelled',
  refund: 'refunded',
};

/**
 * Every money movement exactly once, in order. Tests use it to prove that retries did not move
 * money twice ("exactly one capture"). Totals are kept up to date on append, so reading them is O(1).
 */
export class Ledger {
  private readonly entries: LedgerEntry[] = [];
  private readonly byReference = new Map<string, LedgerEntry[]>();
  private readonly totals = new Map<string, CurrencyTotals>();

  constructor(private readonly onChange: OnChange = () => undefined) {}

  append(entry: Omit<LedgerEntry, 'seq'>): LedgerEntry {
    const full = { ...entry, seq: this.entries.length + 1 };
    this.entries.push(full);
    const key = `${entry.msn}/${entry.reference}`;
    const list = this.byReference.get(key);
    if (list) list.push(full);
    else this.byReference.set(key, [full]);
    const totals = this.totals.get(entry.amount.currency) ?? { authorized: 0, captured: 0, cancelled: 0, refunded: 0 };
    totals[TOTAL_FIELD[entry.kind]] += entry.amount.value;
    this.totals.set(entry.amount.currency, totals);
    this.onChange();
    return full;
  }

  list(filter: { msn?: string; reference?: string } = {}): LedgerEntry[] {
    if (filter.reference !== undefined) {
      if (filter.msn !== undefined) return [...(this.byReference.get(`${filter.msn}/${filter.reference}`) ?? [])];
      return this.entries.filter((e) => e.reference === filter.reference);
    }
    return filter.msn === undefined ? [...this.entries] : this.entries.filter((e) => e.msn === filter.msn);
  }

  /** The entries after the first `count` (sequence numbers run 1, 2, 3, … with no gaps). */
  after(count: number): readonly LedgerEntry[] {
    return this.entries.slice(count);
  }

  totalsByCurrency(): Record<string, CurrencyTotals> {
    return Object.fromEntries([...this.totals].map(([currency, t]) => [currency, { ...t }]));
  }

  clear(): void {
    this.entries.length = 0;
    this.byReference.clear();
    this.totals.clear();
    this.onChange();
  }
}
