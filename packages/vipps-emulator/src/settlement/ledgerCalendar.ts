/**
 * Ledger dates: a ledger date runs from the cutoff (local time of the merchant's time zone) to the
 * same cutoff the next day, e.g. 00:00–00:00 or 04:00–04:00 Europe/Oslo. Dates are `YYYY-MM-DD`
 * strings, which sort as they should.
 */

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

/** `HH:MM` → minutes after midnight. */
export function parseCutoff(text: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error(`cutoff ${text} is not HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export class LedgerCalendar {
  private readonly format: Intl.DateTimeFormat;

  constructor(
    readonly timeZone: string,
    readonly cutoffMinutes: number,
  ) {
    this.format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  }

  /** The ledger date an instant belongs to when no earlier close moved it on. */
  dateOf(ms: number): string {
    const wall = this.wallClock(ms);
    const date = `${wall.year}-${wall.month}-${wall.day}`;
    return wall.hour * 60 + wall.minute < this.cutoffMinutes ? addDays(date, -1) : date;
  }

  /** The instant a ledger date ends: the cutoff on the next calendar day, in local time. */
  endOf(date: string): number {
    const [y, m, d] = addDays(date, 1).split('-').map(Number);
    const localAsUtc = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 0, this.cutoffMinutes);
    // Twice: the offset at the first guess may differ from the one at the answer on a DST day.
    const guess = localAsUtc - this.offsetMs(localAsUtc);
    return localAsUtc - this.offsetMs(guess);
  }

  private offsetMs(ms: number): number {
    const w = this.wallClock(ms);
    const wallAsUtc = Date.UTC(Number(w.year), Number(w.month) - 1, Number(w.day), w.hour, w.minute);
    return wallAsUtc - (ms - (((ms % 60_000) + 60_000) % 60_000));
  }

  private wallClock(ms: number): { year: string; month: string; day: string; hour: number; minute: number } {
    const parts = Object.fromEntries(this.format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
    return { year: parts.year ?? '1970', month: parts.month ?? '01', day: parts.day ?? '01', hour: Number(parts.hour), minute: Number(parts.minute) };
  }
}
