import { ApplicationFailure } from '@temporalio/common';
import { VippsClient, type VippsClientOptions } from '@vipps-orders/vipps';
import type { SalesUnit } from '@vipps-orders/vipps/sales-units';
import { clientConfigFor, type SalesUnits } from './unitConfig';

/**
 * One Vipps client per sales unit: each call goes out with its unit's keys and MSN. Access tokens
 * are shared between clients with the same credentials (the client's process-wide token cache).
 */
export class VippsClients {
  private readonly clients = new Map<string, VippsClient>();
  /** The unit of orders that name none: those placed before units existed (or a one-unit deployment's). */
  private readonly unnamed: SalesUnit | undefined;

  constructor(units: SalesUnits, options: VippsClientOptions = {}) {
    for (const unit of units.registry.units) this.clients.set(unit.name, new VippsClient(clientConfigFor(units, unit), options));
    this.unnamed = units.registry.units.find((u) => u.unprefixedOrderIds) ?? units.registry.implicit;
  }

  /**
   * The client for an order's unit. An unknown name is a worker that does not know the unit yet
   * (a rolling deploy of a new SALES_UNITS_FILE): retryable, so a worker that knows it takes over.
   */
  for(salesUnit: string | undefined): VippsClient {
    const name = salesUnit ?? this.unnamed?.name;
    const client = name === undefined ? undefined : this.clients.get(name);
    if (!client) {
      throw ApplicationFailure.retryable(
        salesUnit === undefined ? 'this order names no sales unit, and no unit here has unprefixedOrderIds' : `sales unit "${salesUnit}" is not in this worker's SALES_UNITS_FILE`,
        'UnknownSalesUnit',
      );
    }
    return client;
  }
}
