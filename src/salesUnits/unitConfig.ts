import { loadSalesUnitsFile, SalesUnitRegistry, SalesUnitsError, type SalesUnit } from '@vipps-orders/vipps/sales-units';
import type { VippsClientConfig } from '@vipps-orders/vipps';
import { ConfigError, DEV_VIPPS_CREDENTIALS, isVippsHost, loadVippsConfig, parseEnv } from '../config';
import { z } from 'zod';

type Env = Record<string, string | undefined>;

/** The name of the one unit that VIPPS_* variables describe when there is no SALES_UNITS_FILE. */
export const ENV_UNIT_NAME = 'default';

export interface SalesUnits {
  registry: SalesUnitRegistry;
  /** True when the units come from SALES_UNITS_FILE: orders then carry their unit's name. */
  fromFile: boolean;
  /** What every unit's client shares: base URL, system headers, timeout. */
  vipps: Omit<VippsClientConfig, 'clientId' | 'clientSecret' | 'subscriptionKey' | 'msn'>;
}

const UnitsEnv = z.object({
  SALES_UNITS_FILE: z.string().min(1).optional(),
  VIPPS_CURRENCY: z.enum(['NOK', 'DKK', 'EUR']).default('NOK'),
});

/**
 * The sales units this process serves: every unit of SALES_UNITS_FILE, or the one unit the
 * VIPPS_* variables describe (as before units existed: no market rules beyond its currency).
 * Development key sets are refused against the real Vipps APIs, like the emulator's credentials.
 */
export function loadSalesUnits(env: Env = process.env, readFile?: (path: string) => string): SalesUnits {
  const base = loadVippsConfig(env);
  const { clientId: _id, clientSecret: _secret, subscriptionKey: _key, msn: _msn, ...shared } = base;
  const e = parseEnv(UnitsEnv, env, 'sales-unit');
  if (!e.SALES_UNITS_FILE) return { registry: new SalesUnitRegistry([envUnit(base, e.VIPPS_CURRENCY)]), fromFile: false, vipps: shared };
  let units: SalesUnit[];
  try {
    units = loadSalesUnitsFile(e.SALES_UNITS_FILE, { env, ...(readFile && { readFile }) });
  } catch (err) {
    if (err instanceof SalesUnitsError) throw new ConfigError(`Invalid sales-unit configuration (SALES_UNITS_FILE):\n  ${err.message}`);
    throw err;
  }
  if (isVippsHost(base.baseUrl)) {
    const dev = [...new Set(units.filter((u) => u.keySet.development).map((u) => u.keySet.name))];
    if (dev.length > 0) throw new ConfigError(`Invalid sales-unit configuration (SALES_UNITS_FILE):\n  keySets.${dev[0]}: development: true is refused for ${base.baseUrl}; give the unit's real keys`);
  }
  return { registry: new SalesUnitRegistry(units), fromFile: true, vipps: shared };
}

function envUnit(vipps: VippsClientConfig, currency: 'NOK' | 'DKK' | 'EUR'): SalesUnit {
  return {
    name: ENV_UNIT_NAME,
    msn: vipps.msn,
    brand: currency === 'NOK' ? 'VIPPS' : 'MOBILEPAY',
    currency,
    keySet: { name: ENV_UNIT_NAME, clientId: vipps.clientId, clientSecret: vipps.clientSecret, subscriptionKey: vipps.subscriptionKey, development: vipps.clientSecret === DEV_VIPPS_CREDENTIALS.clientSecret },
    // The service reads VIPPS_WEBHOOK_SECRET[_FILE] for this unit (loadServiceConfig).
    webhookSecrets: [],
    webhookSecretRefs: [],
    partialCapture: true,
    minimumAmount: currency === 'NOK' ? 100 : 1,
    unprefixedOrderIds: true,
  };
}

/** The client settings for one unit: its keys and MSN on the shared base. */
export function clientConfigFor(units: SalesUnits, unit: SalesUnit): VippsClientConfig {
  return { ...units.vipps, clientId: unit.keySet.clientId, clientSecret: unit.keySet.clientSecret, subscriptionKey: unit.keySet.subscriptionKey, msn: unit.msn };
}
