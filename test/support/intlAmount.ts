/**
 * An amount as a customer's page writes it in `locale`: what Node's Intl gives, not a guess at its
 * spaces (several locales put a no-break space between amount and currency).
 */
export function intlAmount(locale: string, minor: number, currency: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100);
}
