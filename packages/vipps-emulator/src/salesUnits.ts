import { loadSalesUnitsFile, MARKET_RULES, SalesUnitsError, type Market, type SalesUnit } from '@vipps-orders/vipps/sales-units';
import type { EmulatorConfig, EmulatorCredentials } from './config';

/**
 * The sales units the emulator serves from SALES_UNITS_FILE (the file the service and worker
 * read): each MSN with its key set, currency, brand and market, capture guarantee of its market,
 * and whether Vipps makes it capture in full. Without the file, the one unit of the VIPPS_* variables.
 */
export interface EmulatorUnit {
  name: string;
  msn: string;
  currency: 'NOK' | 'DKK' | 'EUR';
  brand: 'VIPPS' | 'MOBILEPAY';
  /** The landing page speaks its language. */
  market?: Market;
  credentials: Omit<EmulatorCredentials, 'msn'>;
  partialCapture: boolean;
  captureGuaranteeMs: number;
}

export function unitsFromFile(path: string, env: Record<string, string | undefined>): EmulatorUnit[] {
  let units: SalesUnit[];
  try {
    units = loadSalesUnitsFile(path, { env });
  } catch (err) {
    if (err instanceof SalesUnitsError) throw new Error(`Invalid SALES_UNITS_FILE:\n  ${err.message}`, { cause: err });
    throw err;
  }
  return units.map((u) => ({
    name: u.name,
    msn: u.msn,
    currency: u.currency ?? 'NOK',
    brand: u.brand,
    ...(u.market && { market: u.market }),
    credentials: { clientId: u.keySet.clientId, clientSecret: u.keySet.clientSecret, subscriptionKey: u.keySet.subscriptionKey },
    partialCapture: u.partialCapture,
    // Vipps keeps a reservation for the market's time (MobilePay's 14 days, Vipps' 180).
    captureGuaranteeMs: MARKET_RULES[u.market ?? 'NO'].reservationDays * 24 * 3600_000,
  }));
}

/** The unit of an MSN; undefined when the emulator serves the VIPPS_* unit only. */
export function unitOf(config: Pick<EmulatorConfig, 'units'>, msn: string): EmulatorUnit | undefined {
  return config.units?.find((u) => u.msn === msn);
}

/** The currency an MSN takes payments in: its unit's, else the emulator's one currency (EMULATOR_CURRENCY). */
export function currencyOf(config: Pick<EmulatorConfig, 'units' | 'currency'>, msn: string): EmulatorUnit['currency'] {
  return unitOf(config, msn)?.currency ?? config.currency;
}

/** The MSNs a subscription key may act for: its units' (partner keys cover several). */
export function msnsOfSubscriptionKey(config: Pick<EmulatorConfig, 'units'>, subscriptionKey: string): string[] {
  return (config.units ?? []).filter((u) => u.credentials.subscriptionKey === subscriptionKey).map((u) => u.msn);
}
