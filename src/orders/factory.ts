import type { Client } from '@temporalio/client';
import { loadOrderPolicy, loadPiiSealingKey, loadServiceConfig, loadTaskQueue, type ServiceConfig } from '../config';
import type { OrderPolicy } from '../workflows/messages';
import { loadFingerprintSecret } from '../security/keyConfig';
import { PiiSealer } from '../security/piiSealing';
import { returnUrl } from '../security/returnLinks';
import { OrderClient } from './orderClient';
import { loadSalesUnits, type SalesUnits } from '../salesUnits/unitConfig';

type Env = Record<string, string | undefined>;

/** The order client as the service and the starter configure it from the environment. */
export function createOrderClient(client: Client, env: Env = process.env, service: ServiceConfig = loadServiceConfig(env), policy: Partial<OrderPolicy> = {}, units: SalesUnits = loadSalesUnits(env)): OrderClient {
  return new OrderClient({
    client,
    taskQueue: loadTaskQueue(env),
    policy: { ...loadOrderPolicy(env), ...policy },
    sealer: new PiiSealer(loadPiiSealingKey(env)),
    // A secret of its own: the sealing key opens phone numbers, this one only tells requests apart.
    fingerprintSecret: loadFingerprintSecret(env),
    // With a token only this order's customer has (see returnLinks.ts).
    returnUrlFor: (orderId, salesUnit) => returnUrl(service.publicUrl, service.pageSecret, orderId, salesUnit),
    commandTimeoutMs: service.orderStartTimeoutMs,
    currency: service.currency,
    units,
  });
}
