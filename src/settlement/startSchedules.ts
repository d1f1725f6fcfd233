import type { Client } from '@temporalio/client';
import type { AppLogger } from '../observability/logger';
import type { SalesUnits } from '../salesUnits/unitConfig';
import type { VippsClients } from '../salesUnits/vippsClients';
import { LedgerDirectory } from './ledgerDirectory';
import { ensureSettlementSchedules } from './schedules';
import { loadSettlementConfig } from './settlementConfig';

export interface ScheduleSetup {
  env: Record<string, string | undefined>;
  units: SalesUnits;
  vipps: VippsClients;
  client: Client;
  taskQueue: string;
  log: AppLogger;
}

/**
 * Creates or updates each ledger's schedule when a worker starts. A Report API or Temporal that
 * cannot answer now must not keep the worker from running orders: it is logged, and the next
 * worker start (or POST /settlements/sync, which needs no schedule) tries again.
 */
export async function startSettlementSchedules({ env, units, vipps, client, taskQueue, log }: ScheduleSetup): Promise<void> {
  const config = loadSettlementConfig(env);
  if (!config.schedules) return;
  try {
    const ledgers = await new LedgerDirectory(units, vipps, { unpaidAfterDays: config.unpaidAfterDays }).ledgers();
    const ids = await ensureSettlementSchedules(client, taskQueue, ledgers, config.syncIntervalMinutes);
    log.info({ schedules: ids, everyMinutes: config.syncIntervalMinutes }, 'settlement schedules ready');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'settlement schedules not created; settlements run only on POST /settlements/sync until a worker start succeeds');
  }
}
