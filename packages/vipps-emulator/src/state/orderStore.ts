import { type OrderCategory, type PaymentType, type Receipt } from '@vipps-orders/vipps/schemas';
import { type OnChange } from './changeFeed';

export interface OrderRecord {
  receipt?: Receipt;
  category?: OrderCategory;
}

/** An order with the key it is stored under, as the state file keeps it. */
export interface KeyedOrderRecord extends OrderRecord {
  msn: string;
  paymentType: PaymentType;
  orderId: string;
}

/** Order Management data per MSN, keyed by payment type and order id. Receipts are write-once. */
export class OrderStore {
  private readonly orders = new Map<string, KeyedOrderRecord>();

  constructor(private readonly onChange: OnChange = () => undefined) {}

  private key(msn: string, paymentType: PaymentType, orderId: string): string {
    return `${msn}\n${paymentType}\n${orderId}`;
  }

  get(msn: string, paymentType: PaymentType, orderId: string): OrderRecord | undefined {
    return this.orders.get(this.key(msn, paymentType, orderId));
  }

  /** False when the order already has a receipt. */
  addReceipt(msn: string, paymentType: PaymentType, orderId: string, receipt: Receipt): boolean {
    const key = this.key(msn, paymentType, orderId);
    const order = this.orders.get(key);
    if (order?.receipt) return false;
    this.orders.set(key, { ...order, msn, paymentType, orderId, receipt });
    this.onChange();
    return true;
  }

  putCategory(msn: string, paymentType: PaymentType, orderId: string, category: OrderCategory): void {
    const key = this.key(msn, paymentType, orderId);
    this.orders.set(key, { ...this.orders.get(key), msn, paymentType, orderId, category });
    this.onChange();
  }

  all(): KeyedOrderRecord[] {
    return [...this.orders.values()];
  }

  clear(): void {
    this.orders.clear();
    this.onChange();
  }
}
