import type { Client } from '@temporalio/client';
import type { PiiSealer } from '../security/piiSealing';
import type { OrderPolicy, OrderView } from '../workflows/messages';
import type { OrderCurrency } from './placeOrderRequest';
import type { SalesUnits } from '../salesUnits/unitConfig';
import type { SalesUnit } from '@vipps-orders/vipps/sales-units';

export interface OrderClientOptions {
  client: Client;
  taskQueue: string;
  policy: OrderPolicy;
  /** Seals the customer's phone before it enters a workflow. */
  sealer: PiiSealer;
  /** Keys the request fingerprints (a separate secret from the sealing key). */
  fingerprintSecret: string;
  /** The page Vipps sends the customer back to (this service's return page). */
  returnUrlFor: (orderId: string, salesUnit?: string) => string;
  /** How long a command waits for the workflow's answer before the caller gets "still processing". */
  commandTimeoutMs: number;
  /** The sales unit's currency (VIPPS_CURRENCY); orders in another are refused before they start. NOK when unset. */
  currency?: OrderCurrency;
  /** The sales units this service serves (SALES_UNITS_FILE, or the one of VIPPS_* variables). Absent: one unnamed unit. */
  units?: SalesUnits;
  /** The unit this client's orders belong to (`OrderClient.forUnit`); by default the only one there is. */
  unit?: SalesUnit;
  /** The time a webhook is stamped with when it arrives (epoch ms); tests on a time-skipping server pass its time. */
  now?: () => number | Promise<number>;
}

/** The result of a command: the order view, and whether the command finished within the wait. */
export interface CommandResult {
  order: OrderView;
  complete: boolean;
}
