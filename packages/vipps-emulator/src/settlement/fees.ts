/**
 * The emulator's price list: every capture costs a fixed amount plus a percentage of it, in øre,
 * per sales unit (defaults from EMULATOR_FEE_FIXED_MINOR / EMULATOR_FEE_PERCENT). Refunds cost
 * nothing, as with the real platform. The percentage is kept in basis points (1.75 % = 175) so
 * that the fee is integer arithmetic: the same capture always costs the same øre.
 */

export interface FeeRule {
  fixedMinor: number;
  percentBasisPoints: number;
}

/** Rounded half up to the øre. */
export function captureFee(amount: number, rule: FeeRule): number {
  return rule.fixedMinor + Math.floor((amount * rule.percentBasisPoints + 5_000) / 10_000);
}

/** `"1.75"` → 175; at most two decimals, below 100 %. */
export function percentToBasisPoints(text: string): number {
  const match = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new Error(`percent ${text} must look like 1.75 (at most two decimals, below 100)`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

export function basisPointsToPercent(bp: number): string {
  return (bp / 100).toFixed(2);
}
