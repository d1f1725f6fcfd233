/**
 * What each Vipps MobilePay market fixes for a sales unit: the currency Vipps accepts (another
 * one is error 5040), the brand the customer sees, how long Vipps keeps a reservation, the
 * smallest amount, and how a local phone number becomes the MSISDN the API takes.
 */
export const MARKETS = ['NO', 'DK', 'FI'] as const;
export type Market = (typeof MARKETS)[number];

export const BRANDS = ['VIPPS', 'MOBILEPAY'] as const;
export type Brand = (typeof BRANDS)[number];

export interface MarketRules {
  currency: 'NOK' | 'DKK' | 'EUR';
  brand: Brand;
  /** Days Vipps keeps an authorization capturable without late capture (NO 180, DK/FI 14). */
  reservationDays: number;
  /** Smallest amount Vipps takes, in minor units (NOK 100 øre; DKK 1 øre; EUR 1 cent). */
  minimumAmount: number;
  countryCode: string;
  /** Digits of a local mobile number, without the country code (and without a leading 0 in Finland). */
  localDigits: RegExp;
  /** A language tag for the customer's pages. */
  language: 'nb' | 'da' | 'fi';
}

export const MARKET_RULES: Record<Market, MarketRules> = {
  NO: { currency: 'NOK', brand: 'VIPPS', reservationDays: 180, minimumAmount: 100, countryCode: '47', localDigits: /^[49]\d{7}$/, language: 'nb' },
  DK: { currency: 'DKK', brand: 'MOBILEPAY', reservationDays: 14, minimumAmount: 1, countryCode: '45', localDigits: /^[2-9]\d{7}$/, language: 'da' },
  FI: { currency: 'EUR', brand: 'MOBILEPAY', reservationDays: 14, minimumAmount: 1, countryCode: '358', localDigits: /^4\d{6,9}$|^50\d{5,8}$/, language: 'fi' },
};

export class PhoneNumberError extends Error {
  override readonly name = 'PhoneNumberError';
}

/**
 * A customer's phone number as the market's MSISDN (country code and number, digits only).
 * Takes `+4791234567`, `004791234567`, `4791234567` or the local `912 34 567` for Norway (and
 * `0401234567` in Finland); anything that cannot be a mobile number of the market is refused,
 * so the customer is not sent a push to the wrong country.
 */
export function toMsisdn(input: string, market: Market): string {
  const rules = MARKET_RULES[market];
  const compact = input.replace(/[\s().-]/g, '');
  if (!/^\+?\d+$/.test(compact)) throw new PhoneNumberError('must contain only digits, spaces and an optional leading +');
  let digits = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : compact;
  const international = compact.startsWith('+') || compact.startsWith('00') || (digits.startsWith(rules.countryCode) && digits.length > rules.countryCode.length + 7);
  if (international) {
    if (!digits.startsWith(rules.countryCode)) throw new PhoneNumberError(`must be a ${market} number (country code +${rules.countryCode})`);
    digits = digits.slice(rules.countryCode.length);
  } else if (market === 'FI' && digits.startsWith('0')) {
    digits = digits.slice(1);
  }
  if (!rules.localDigits.test(digits)) throw new PhoneNumberError(`is not a ${market} mobile number`);
  return rules.countryCode + digits;
}
