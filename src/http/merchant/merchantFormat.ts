/**
 * Amounts and times as the merchant pages write them. The operator reads many of them side by side,
 * so amounts get thousands separators and times the same short form everywhere, in UTC (a list of
 * orders from Norway, Denmark and Finland would otherwise mix three clocks).
 */
import { esc } from '../pages/html';

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en', { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format;
}

/**
 * Minor units as money: `NOK 1,348.50`, `€12.00`. The space Intl puts after a currency code is a
 * no-break space, so an amount never wraps inside a sentence either.
 */
export function amount(minor: number, currency: string): string {
  const format = moneyFormat(currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' });

/** `9 Dec 2026, 07:34 UTC`; what is not a time comes back as it was. */
export function dateTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

/**
 * A `<time>` element: the short form to read, the exact instant in `datetime` and on hover. A
 * narrow column may break it after the date, never inside the date or the time.
 */
export function timeTag(iso: string | undefined): string {
  if (!iso) return '';
  const parts = dateTime(iso).split(', ').map((part) => `<span class="nowrap">${esc(part)}</span>`);
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${parts.join(', ')}</time>`;
}

/** ISO instants inside free text (timeline details), rewritten to the short form. */
export function datesInText(text: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z\b/g, (iso) => dateTime(iso));
}

/** Amounts the workflow wrote into free text (`NOK 1348.00`), in the pages' own form (`NOK 1,348.00`). */
export function amountsInText(text: string): string {
  return text.replace(/\b(NOK|DKK|EUR) (-?)(\d+)\.(\d{2})\b/g, (_all, currency: string, sign: string, whole: string, cents: string) =>
    amount((sign ? -1 : 1) * (Number(whole) * 100 + Number(cents)), currency),
  );
}
