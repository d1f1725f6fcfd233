/** The model property, shared by the jest suite and `npm run test:model`. */
import fc from 'fast-check';
import type { ModelHarness } from './harness';
import { checkCase } from './invariants';
import { modelCase, weightedModelCase } from './model';
import { caseOrders, runCase, type CaseRecord } from './runCase';

export interface ModelRunStats {
  cases: number;
  orders: number;
  commands: number;
  /** Orders per sales unit, and orders that share their id with another order of the case on another unit. */
  perUnit: Record<string, number>;
  sharedIds: number;
}

export async function assertModel(
  h: ModelHarness,
  options: { runs: number; seed: number; shrink?: boolean; weighted?: boolean; onCase?: (n: number) => void; onFailure?: (message: string, c: unknown, record: CaseRecord) => Promise<void> | void },
): Promise<ModelRunStats> {
  const stats: ModelRunStats = { cases: 0, orders: 0, commands: 0, perUnit: {}, sharedIds: 0 };
  await fc.assert(
    fc.asyncProperty(options.weighted ? weightedModelCase : modelCase, async (c) => {
      stats.cases++;
      stats.orders += c.orders.length;
      stats.commands += c.orders.reduce((s, o) => s + o.commands.length, 0);
      const orders = caseOrders(c, 'stats');
      for (const o of orders) stats.perUnit[o.unit.name] = (stats.perUnit[o.unit.name] ?? 0) + 1;
      stats.sharedIds += orders.filter((o) => orders.some((p) => p !== o && p.orderId === o.orderId)).length;
      options.onCase?.(stats.cases);
      const record = await runCase(h, c);
      const problems = await checkCase(h, record);
      if (problems.length) {
        const message = `invariants broken:\n  ${problems.join('\n  ')}`;
        await options.onFailure?.(message, c, record);
        throw new Error(message);
      }
    }),
    { numRuns: options.runs, seed: options.seed, verbose: 1, includeErrorInReport: true, endOnFailure: options.shrink === false },
  );
  return stats;
}
