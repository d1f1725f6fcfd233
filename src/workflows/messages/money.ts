/** "NOK 1234.50" (or "NOK -0.50"): for timelines, summaries and pages, never for arithmetic. */
export function formatMoney(m: { value: number; currency: string }): string {
  const sign = m.value < 0 ? '-' : '';
  const abs = Math.abs(m.value);
  return `${m.currency} ${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
