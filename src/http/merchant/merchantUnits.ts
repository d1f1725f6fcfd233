/**
 * The sales units as the merchant pages see them. With one unit (or none named) an order is its
 * id, at /merchant/orders/{orderId}, as before units existed. With several (SALES_UNITS_FILE), the
 * same id on two units is two orders, so every page and form names the unit:
 * /merchant/sales-units/{salesUnit}/orders/{orderId}, like the order API.
 */
import type { SalesUnit } from '@vipps-orders/vipps/sales-units';
import type { OrderClient } from '../../orders/orderClient';

export interface MerchantUnits {
  /** More than one unit: the list has a Unit column and a filter, and orders are addressed by unit. */
  several: boolean;
  units: readonly SalesUnit[];
  get: (name: string) => SalesUnit | undefined;
  /** The client for one unit's orders (the only client when there are not several). */
  clientFor: (unit: string | undefined) => OrderClient;
  currencyOf: (unit: string | undefined) => string;
  /** The unit of a listed order by its SalesUnit attribute: that, or for none (orders from before the file) the unit that kept unprefixed ids. */
  unitOf: (salesUnit: string | undefined) => string | undefined;
  orderPath: (orderId: string, unit: string | undefined) => string;
}

/**
 * `orders` may be the client of one unit only (the demo shop's); `forUnit` reaches the others,
 * since every unit's client shares the same units.
 */
export function merchantUnits(orders: OrderClient, fallbackCurrency: string): MerchantUnits {
  const units = orders.units?.fromFile ? orders.units.registry.units : [];
  const several = units.length > 1;
  const byName = new Map(units.map((u) => [u.name, u]));
  const legacy = units.find((u) => u.unprefixedOrderIds);
  return {
    several,
    units,
    get: (name) => byName.get(name),
    clientFor: (unit) => (several && unit !== undefined ? orders.forUnit(unit) : orders),
    currencyOf: (unit) => (unit !== undefined ? byName.get(unit)?.currency : undefined) ?? orders.salesUnit?.currency ?? fallbackCurrency,
    unitOf: (salesUnit) => salesUnit ?? legacy?.name,
    orderPath: (orderId, unit) =>
      several && unit !== undefined ? `/merchant/sales-units/${encodeURIComponent(unit)}/orders/${encodeURIComponent(orderId)}` : `/merchant/orders/${encodeURIComponent(orderId)}`,
  };
}

/** A unit in a few words for the operator: `dk · MobilePay, DKK`. */
export function unitWords(unit: SalesUnit): string {
  const brand = unit.brand === 'VIPPS' ? 'Vipps' : 'MobilePay';
  return `${unit.name} · ${brand}${unit.currency ? `, ${unit.currency}` : ''}`;
}
