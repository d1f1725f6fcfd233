import { MARKET_RULES, type SalesUnit } from '@vipps-orders/vipps/sales-units';
import { da } from './da';
import { en } from './en';
import { fi } from './fi';
import { formatAmount, formatQuantity } from './format';
import { chooseLocale, type Locale } from './locales';
import type { Messages, QuantityUnit, ShownBrand } from './messages';
import { nb } from './nb';

const CATALOGUES: Record<Locale, Messages> = { nb, da, fi, en };

/** What of a sales unit decides how its customers are spoken to. */
export type UnitVoice = Pick<SalesUnit, 'market' | 'brand'>;

/** What a customer's page speaks: the texts, the brand they show, and amounts as the locale writes them. */
export interface PageLanguage {
  locale: Locale;
  t: Messages;
  brand: ShownBrand;
  amount(minor: number, currency: string): string;
  quantity(quantity: string): string;
}

/**
 * The brand of the unit the order belongs to. A unit without a market (the VIPPS_* variables
 * without a file) is not known to be either, so the customer reads the company's name.
 */
export function shownBrand(unit: UnitVoice | undefined): ShownBrand {
  if (!unit?.market) return 'Vipps MobilePay';
  return unit.brand === 'VIPPS' ? 'Vipps' : 'MobilePay';
}

export function messagesFor(locale: Locale): Messages {
  return CATALOGUES[locale];
}

export function pageLanguage(acceptLanguage: string | string[] | undefined, unit: UnitVoice | undefined): PageLanguage {
  const locale = chooseLocale(acceptLanguage, unit?.market && MARKET_RULES[unit.market].language);
  return {
    locale,
    t: CATALOGUES[locale],
    brand: shownBrand(unit),
    amount: (minor, currency) => formatAmount(locale, minor, currency),
    quantity: (quantity) => formatQuantity(locale, quantity),
  };
}

export type { Locale, Messages, QuantityUnit, ShownBrand };
