import type { Locale } from './locales';

/** Intl formatters are costly to make and the pages use a handful: one per locale and currency. */
const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let nf = formatters.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, nf);
  }
  return nf;
}

/** Minor units (øre, cents) as the locale writes an amount: "1 234,50 kr" in nb, "1.234,50 kr." in da. */
export function formatAmount(locale: Locale, minor: number, currency: string): string {
  const nf = currencyFormat(locale, currency);
  return nf.format(minor / 10 ** (nf.resolvedOptions().maximumFractionDigits ?? 2));
}

/** A quantity as the shop sent it ("2", "0.822"), in the locale's digits ("0,822"). */
export function formatQuantity(locale: Locale, quantity: string): string {
  const n = Number(quantity);
  return Number.isFinite(n) ? new Intl.NumberFormat(locale, { maximumFractionDigits: 8 }).format(n) : quantity;
}

/**
 * How the locale writes this currency, for the shop's script, which totals the cart in the
 * browser: taken from the server's Intl, so the total the script writes looks exactly like the
 * amounts the server wrote (a browser's own Intl may place "kr" differently).
 */
export interface AmountPattern {
  before: string;
  after: string;
  group: string;
  decimal: string;
  digits: number;
}

export function amountPattern(locale: Locale, currency: string): AmountPattern {
  const nf = currencyFormat(locale, currency);
  const parts = nf.formatToParts(1234.5);
  const first = parts.findIndex((p) => p.type === 'integer');
  const last = parts.map((p) => p.type).lastIndexOf(parts.some((p) => p.type === 'fraction') ? 'fraction' : 'integer');
  const text = (ps: Intl.NumberFormatPart[]) => ps.map((p) => p.value).join('');
  return {
    before: text(parts.slice(0, first)),
    after: text(parts.slice(last + 1)),
    group: parts.find((p) => p.type === 'group')?.value ?? '',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
    digits: nf.resolvedOptions().maximumFractionDigits ?? 2,
  };
}
