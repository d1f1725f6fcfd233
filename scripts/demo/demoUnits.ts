import type { VippsClientConfig } from '@vipps-orders/vipps';
import { clientConfigFor, loadSalesUnits } from '../../src/salesUnits/unitConfig';
import type { UnitVoice } from '../../src/http/pages/i18n/pageLanguage';

type Env = Record<string, string | undefined>;

/** A sales unit as the demo orders through it. */
export interface DemoUnit {
  /** Absent without SALES_UNITS_FILE: orders name no unit and use the unprefixed routes, as before units. */
  name?: string;
  msn: string;
  currency: 'NOK' | 'DKK' | 'EUR';
  /** False: Vipps takes only a capture of everything, so the demo ships in one box. */
  partialCapture: boolean;
  /** The brand and market the return page speaks with. */
  voice: UnitVoice;
  /** The unit's keys at the emulator, for the test approve endpoint. */
  vipps: VippsClientConfig;
}

/** The units of SALES_UNITS_FILE, in the file's order, or the one unit of the VIPPS_* variables. */
export function demoUnits(env: Env, emulatorUrl: string): DemoUnit[] {
  const units = loadSalesUnits({ ...env, VIPPS_BASE_URL: emulatorUrl });
  return units.registry.units.map((u) => ({
    ...(units.fromFile && { name: u.name }),
    msn: u.msn,
    currency: u.currency ?? 'NOK',
    partialCapture: u.partialCapture,
    voice: { market: u.market, brand: u.brand },
    vipps: clientConfigFor(units, u),
  }));
}

/** The order's routes: under its unit when there are several, else the unprefixed ones. */
export function orderPath(unit: DemoUnit, orderId: string): string {
  return unit.name ? `/sales-units/${unit.name}/orders/${orderId}` : `/orders/${orderId}`;
}

/** `?msn=` for the emulator's control API, which otherwise looks at its first MSN first. */
export function msnQuery(unit: DemoUnit): string {
  return unit.name ? `?msn=${unit.msn}` : '';
}

export function unitLabel(unit: DemoUnit): string {
  return unit.name ? `${unit.name} (MSN ${unit.msn}, ${unit.currency})` : `MSN ${unit.msn}`;
}
