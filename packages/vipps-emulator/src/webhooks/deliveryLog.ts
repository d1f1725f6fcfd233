import { type PaymentEventName } from '@vipps-orders/vipps/schemas';

export type DeliveryOutcome =
  | 'delivered'
  | 'failed'
  | 'timeout'
  | 'network-error'
  | 'fault'
  | 'dropped'
  | 'gave-up'
  | 'cancelled';

export interface DeliveryLogEntry {
  seq: number;
  at: string;
  registrationId: string;
  url: string;
  msn: string;
  reference: string;
  eventName: PaymentEventName;
  pspReference: string;
  /** 1 for the first try; 0 for entries that record a decision without a request (dropped). */
  attempt: number;
  /** 2 for the extra copy sent by the duplicate fault. */
  copy: number;
  outcome: DeliveryOutcome;
  httpStatus?: number;
  durationMs: number;
  error?: string;
}

/** Every webhook delivery attempt, in order, with an index by payment reference. */
export class DeliveryLog {
  private readonly entries: DeliveryLogEntry[] = [];
  private readonly byReference = new Map<string, DeliveryLogEntry[]>();

  add(entry: Omit<DeliveryLogEntry, 'seq'>): DeliveryLogEntry {
    const full = { ...entry, seq: this.entries.length + 1 };
    this.entries.push(full);
    const list = this.byReference.get(entry.reference);
    if (list) list.push(full);
    else this.byReference.set(entry.reference, [full]);
    return full;
  }

  list(reference?: string): DeliveryLogEntry[] {
    return reference === undefined ? [...this.entries] : [...(this.byReference.get(reference) ?? [])];
  }

  clear(): void {
    this.entries.length = 0;
    this.byReference.clear();
  }
}
