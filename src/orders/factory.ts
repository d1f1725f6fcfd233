import type { Client } from '@temporalio/client';
import { loadOrderPolicy, loadPiiSealingKey, loadServiceConfig, loadTaskQueue, type ServiceConfig } from '../config';
import type { OrderPolicy } from '../workflows/messages';
import { PiiSealer } from '../security/piiSealing';
import { OrderClient } from './orderClient';

type Env = Record<string, string | undefined>;

/** The order client as the service and the starter configure it from the environment. */
export function createOrderClient(client: Client, env: Env = process.env, service: ServiceConfig = loadServiceConfig(env), policy: Partial<OrderPolicy> = {}): OrderClient {
  const piiKey = loadPiiSealingKey(env);
  return new OrderClient({
    client,
    taskQueue: loadTaskQueue(env),
    policy: { ...loadOrderPolicy(env), ...policy },
    sealer: new PiiSealer(piiKey),
    fingerprintSecret: piiKey,
    returnUrlFor: (orderId) => `${service.publicUrl}/orders/${encodeURIComponent(orderId)}/return`,
    commandTimeoutMs: service.orderStartTimeoutMs,
    currency: service.currency,
  });
}
