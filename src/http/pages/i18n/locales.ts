/** The languages the customer's pages speak; English is what everyone gets when nothing else fits. */
export const LOCALES = ['nb', 'da', 'fi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Primary language subtags we answer, and in which of our locales (Norwegian in any written form is Bokmål here). */
const SPOKEN: Record<string, Locale> = { nb: 'nb', no: 'nb', nn: 'nb', da: 'da', fi: 'fi', en: 'en' };

/** A header is the browser's, not ours: read only so much of it. */
const MAX_HEADER = 1_000;
const MAX_RANGES = 30;

interface Range {
  locale: Locale | undefined;
  q: number;
  position: number;
}

function parseRange(part: string, position: number): Range | undefined {
  const [tag = '', ...params] = part.split(';').map((s) => s.trim());
  if (!tag) return undefined;
  let q = 1;
  for (const param of params) {
    const m = /^q\s*=\s*(\S+)$/i.exec(param);
    if (!m) continue;
    // RFC 9110: at most three decimals, 0 to 1. Anything else is not a weight we can trust.
    if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(m[1]!)) return undefined;
    q = Number(m[1]);
  }
  const primary = tag.toLowerCase().split(/[-_]/)[0]!;
  return { locale: SPOKEN[primary], q, position };
}

/**
 * The locale for a request: the browser's most wanted language among ours (q-values, then the
 * order it lists them in), else the unit's market language, else English. A language the browser
 * refuses with q=0 is not chosen by the fallback either.
 */
export function chooseLocale(acceptLanguage: string | string[] | undefined, marketLanguage?: Locale): Locale {
  const header = (Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '')).slice(0, MAX_HEADER);
  const ranges = header
    .split(',')
    .slice(0, MAX_RANGES)
    .map(parseRange)
    .filter((r): r is Range => r !== undefined);
  const refused = new Set(ranges.filter((r) => r.q === 0 && r.locale).map((r) => r.locale));
  const wanted = ranges.filter((r) => r.q > 0 && r.locale && !refused.has(r.locale)).sort((a, b) => b.q - a.q || a.position - b.position);
  if (wanted[0]?.locale) return wanted[0].locale;
  if (marketLanguage && !refused.has(marketLanguage)) return marketLanguage;
  return 'en';
}
