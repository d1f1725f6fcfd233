import type { Money } from './messages';

/** "NOK 1234.50": for timelines and summaries, never for arithmetic. */
export function formatMoney(m: Money): string {
  const major = Math.trunc(m.value / 100);
  const minor = String(Math.abs(m.value % 100)).padStart(2, '0');
  return `${m.currency} ${major}.${minor}`;
}
