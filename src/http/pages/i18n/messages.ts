import type { OrderLine } from '@vipps-orders/vipps/types';

/**
 * Everything the customer's pages say, per locale. Each catalogue is typed with this interface, so
 * a locale that misses a text does not compile. Amounts arrive already formatted for the locale;
 * a text takes the brand the customer sees, because some languages bend it (Finnish) and others
 * only place it.
 */

/** The name on the customer's screen: the unit's brand, or the company's when there is no unit. */
export type ShownBrand = 'Vipps' | 'MobilePay' | 'Vipps MobilePay';

export type QuantityUnit = NonNullable<NonNullable<OrderLine['unitInfo']>['quantityUnit']>;

/** Why a payment did not go through, as Vipps reports it (anything else: it never started). */
export type NotPaidReason = 'ABORTED' | 'EXPIRED' | 'TERMINATED' | 'NOT_STARTED';

export interface Messages {
  table: { item: string; price: string; total: string; order: string };
  backTo(shop: string): string;
  closePage: string;
  /** The symbol after a measured quantity ("1,5 kg"); pieces have none, they read "2 ×". */
  unitSymbol: Record<Exclude<QuantityUnit, 'PCS'>, string>;
  /** The price of one unit, under a line of several: per piece without a symbol, else per kg, km, … */
  unitPrice(price: string, symbol?: string): string;

  confirmed: { title: string; text(total: string, brand: ShownBrand): string };
  shipped: {
    title: string;
    text(charged: string, brand: ShownBrand): string;
    withRefund(charged: string, refunded: string, net: string, brand: ShownBrand): string;
  };
  needsAttention: { title: string; text: string };
  pending: { title: string; text(brand: ShownBrand): string; openPayment(brand: ShownBrand): string };
  cancelled: { title: string; text(brand: ShownBrand): string };
  notPaid: { title: string; reason(why: NotPaidReason, brand: ShownBrand): string; notCharged: string };
  stateUnknown: { title: string; text: string };
  unknownOrder: { title: string; notFound: string; badLink: string };
  unavailable: { title: string; text: string };

  shop: {
    demo: string;
    product: string;
    quantity: string;
    quantityOf(product: string): string;
    updateTotal: string;
    pay(brand: ShownBrand): string;
    merchantPage: string;
    /** After the merchant page's link: how to log in, and where the money goes. */
    merchantNote: string;
    orderDescription(shop: string): string;
    checkout: string;
    badQuantities: string;
    nothingChosen: string;
    back: string;
    /** The label of the demo shop's choice of sales unit (with several). */
    salesUnit: string;
  };
}
