import { z } from 'zod';
import { parseEnv, positiveIntSchema } from '../config';

type Env = Record<string, string | undefined>;

const SettlementEnv = z.object({
  /** How often each ledger's schedule wakes its settlement workflow. */
  SETTLEMENT_SYNC_MINUTES: positiveIntSchema.max(24 * 60).default(60),
  /** `off`: the worker creates no schedules (e.g. another deployment owns them). */
  SETTLEMENT_SCHEDULES: z.enum(['on', 'off']).default('on'),
  /** Captures on a ledger date that no payout has carried this many days after the date are flagged (not-paid-out). */
  SETTLEMENT_UNPAID_AFTER_DAYS: positiveIntSchema.max(60).default(3),
});

export interface SettlementConfig {
  syncIntervalMinutes: number;
  schedules: boolean;
  unpaidAfterDays: number;
}

export function loadSettlementConfig(env: Env = process.env): SettlementConfig {
  const e = parseEnv(SettlementEnv, env, 'settlement');
  return { syncIntervalMinutes: e.SETTLEMENT_SYNC_MINUTES, schedules: e.SETTLEMENT_SCHEDULES === 'on', unpaidAfterDays: e.SETTLEMENT_UNPAID_AFTER_DAYS };
}
