import { captureFee, percentToBasisPoints } from '../src/settlement/fees';
import { addDays, LedgerCalendar } from '../src/settlement/ledgerCalendar';
import { loadEmulatorConfig } from '../src/config';

describe('ledger dates', () => {
  it('a midnight cutoff in Oslo: 23:59 local is that day, 00:00 local is the next, in winter and in summer', () => {
    const oslo = new LedgerCalendar('Europe/Oslo', 0);
    expect(oslo.dateOf(Date.parse('2026-12-02T22:59:00Z'))).toBe('2026-12-02');
    expect(oslo.dateOf(Date.parse('2026-12-02T23:00:00Z'))).toBe('2026-12-03');
    expect(oslo.dateOf(Date.parse('2026-06-30T21:59:00Z'))).toBe('2026-06-30');
    expect(oslo.dateOf(Date.parse('2026-06-30T22:00:00Z'))).toBe('2026-07-01');
    expect(new Date(oslo.endOf('2026-12-02')).toISOString()).toBe('2026-12-02T23:00:00.000Z');
    expect(new Date(oslo.endOf('2026-06-30')).toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });

  it('a 04:00 cutoff: 03:59 local still belongs to the day before, across the change to summer time', () => {
    const oslo = new LedgerCalendar('Europe/Oslo', 4 * 60);
    expect(oslo.dateOf(Date.parse('2026-12-03T02:59:00Z'))).toBe('2026-12-02');
    expect(oslo.dateOf(Date.parse('2026-12-03T03:00:00Z'))).toBe('2026-12-03');
    // 29 March 2026: clocks go from 02:00 to 03:00, so 04:00 local is 02:00 UTC.
    expect(new Date(oslo.endOf('2026-03-28')).toISOString()).toBe('2026-03-29T02:00:00.000Z');
    expect(oslo.dateOf(oslo.endOf('2026-03-28') - 1)).toBe('2026-03-28');
    expect(oslo.dateOf(oslo.endOf('2026-03-28'))).toBe('2026-03-29');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });
});

describe('fees', () => {
  it('fixed plus percent in whole øre, rounded half up', () => {
    const rule = { fixedMinor: 100, percentBasisPoints: percentToBasisPoints('1.75') };
    expect(rule.percentBasisPoints).toBe(175);
    expect(captureFee(10_000, rule)).toBe(275);
    expect(captureFee(49_900, rule)).toBe(973); // 873.25 → 873
    expect(captureFee(200, { fixedMinor: 0, percentBasisPoints: 25 })).toBe(1); // 0.5 → 1
    expect(percentToBasisPoints('2.5')).toBe(250);
    expect(() => percentToBasisPoints('1.755')).toThrow(/two decimals/);
  });

  it('reads fee and ledger settings from the environment, naming a bad variable', () => {
    const config = loadEmulatorConfig({ EMULATOR_FEE_FIXED_MINOR: '0', EMULATOR_FEE_PERCENT: '2.9', EMULATOR_LEDGER_CUTOFF: '04:00', EMULATOR_LEDGER_AUTO_CLOSE: 'false' });
    expect(config).toMatchObject({ feeFixedMinor: 0, feePercentBasisPoints: 290, ledgerCutoffMinutes: 240, ledgerAutoClose: false, ledgerTimeZone: 'Europe/Oslo', reportPageSize: 1000 });
    expect(() => loadEmulatorConfig({ EMULATOR_LEDGER_TIMEZONE: 'Mars/Olympus' })).toThrow(/EMULATOR_LEDGER_TIMEZONE/);
    expect(() => loadEmulatorConfig({ EMULATOR_LEDGER_CUTOFF: '24:00' })).toThrow(/EMULATOR_LEDGER_CUTOFF/);
  });
});
