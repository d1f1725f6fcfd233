import { MARKET_RULES } from '@vipps-orders/vipps/sales-units';
import { type EmulatorUnit } from '../salesUnits';
import { LANDING_TEXTS, type LandingBrand, type LandingLanguage, type LandingTexts } from './landingTexts';

/**
 * How a landing page looks and speaks. A payment at a unit of SALES_UNITS_FILE gets its unit's
 * brand (Vipps or MobilePay, as the customer's app would be) and its market's language. Without
 * the file, and where no payment is known, the page keeps the company's look in English, as it
 * was before units existed.
 */
export interface LandingLook {
  lang: LandingLanguage;
  t: LandingTexts;
  brand?: LandingBrand;
  colours: {
    /** The badge and the favicon's tile. */
    mark: string;
    /** The Approve button. */
    accent: string;
    /** Behind the card. */
    tint: string;
    link: string;
  };
}

const TEXT = '#1d1a23';

export const COMPANY_LOOK: LandingLook = {
  lang: 'en',
  t: LANDING_TEXTS.en,
  colours: { mark: '#ff5b24', accent: '#5a2bd7', tint: '#f3f1f8', link: '#5a2bd7' },
};

// Links in the page's text colour: the brand colours are too light for small text on white.
const BRAND_COLOURS: Record<LandingBrand, LandingLook['colours']> = {
  Vipps: { mark: '#ff5b24', accent: '#ff5b24', tint: '#fff1eb', link: TEXT },
  MobilePay: { mark: '#5a78ff', accent: '#5a78ff', tint: '#eef1ff', link: TEXT },
};

export function landingLook(unit: Pick<EmulatorUnit, 'brand' | 'market'> | undefined): LandingLook {
  if (!unit) return COMPANY_LOOK;
  const brand: LandingBrand = unit.brand === 'MOBILEPAY' ? 'MobilePay' : 'Vipps';
  const lang = unit.market ? MARKET_RULES[unit.market].language : 'en';
  return { lang, t: LANDING_TEXTS[lang], brand, colours: BRAND_COLOURS[brand] };
}

// Vipps' mark is a V; MobilePay's tile carries an M. Inline, so the page loads nothing from elsewhere.
const GLYPH: Record<LandingBrand, string> = { Vipps: 'M9 11l7 12 7-12', MobilePay: 'M9 23V10l7 8 7-8v13' };

export function faviconOf(look: LandingLook): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="${look.colours.mark}"/><path d="${GLYPH[look.brand ?? 'Vipps']}" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
