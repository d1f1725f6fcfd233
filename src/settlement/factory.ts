import type { Client } from '@temporalio/client';
import { loadTaskQueue } from '../config';
import type { SalesUnits } from '../salesUnits/unitConfig';
import { VippsClients } from '../salesUnits/vippsClients';
import { LedgerDirectory } from './ledgerDirectory';
import { SettlementClient } from './settlementClient';
import { loadSettlementConfig } from './settlementConfig';

/** The settlement client as the service configures it: the units' own keys find their ledgers. */
export function createSettlementClient(client: Client, units: SalesUnits, env: Record<string, string | undefined> = process.env): SettlementClient {
  return new SettlementClient({ client, taskQueue: loadTaskQueue(env), ledgers: new LedgerDirectory(units, new VippsClients(units), { unpaidAfterDays: loadSettlementConfig(env).unpaidAfterDays }) });
}
