import { type OrderCategory, type PaymentType, type Receipt } from '../../vipps/schemas';

export interface OrderRecord {
  receipt?: Receipt;
  category?: OrderCategory;
}

/** Order Management data per MSN, keyed by payment type and order id. Receipts are write-once. */
export class OrderStore {
  private readonly orders = new Map<string, OrderRecord>();

  private key(msn: string, paymentType: PaymentType, orderId: string): string {
    return `${msn}\n${paymentType}\n${orderId}`;
  }

  get(msn: string, paymentType: PaymentType, orderId: string): OrderRecord | undefined {
    return this.orders.get(this.key(msn, paymentType, orderId));
  }

  /** False when the order already has a receipt. */
  addReceipt(msn: string, paymentType: PaymentType, orderId: string, receipt: Receipt): boolean {
    const key = this.key(msn, paymentType, orderId);
    const order = this.orders.get(key) ?? {};
    if (order.receipt) return false;
    this.orders.set(key, { ...order, receipt });
    return true;
  }

  putCategory(msn: string, paymentType: PaymentType, orderId: string, category: OrderCategory): void {
    const key = this.key(msn, paymentType, orderId);
    this.orders.set(key, { ...this.orders.get(key), category });
  }

  clear(): void {
    this.orders.clear();
  }
}
