/**
 * The HTTP service on a free loopback port, over a real Temporal dev server and one worker with
 * scripted Vipps activities, and the OpenAPI contract its answers are checked against: what the
 * HTTP test files share, started once per file.
 */
import type { FastifyInstance } from 'fastify';
import type { ServiceConfig } from '../../src/config';
import { buildService } from '../../src/http/app';
import type { OrderClient } from '../../src/orders/orderClient';
import type { FakeVipps } from './fakeVipps';
import { OpenApiContract } from './openApiContract';
import { orderClient, startWorkflowHarness, type WorkflowHarness } from './orderHarness';

export interface ServiceUnderTest {
  h: WorkflowHarness;
  orders: OrderClient;
  app: FastifyInstance;
  base: string;
  contract: OpenApiContract;
  stop(): Promise<void>;
}

export async function startServiceUnderTest(fake: FakeVipps, config: ServiceConfig, server: { metricsPort?: number } = {}): Promise<ServiceUnderTest> {
  const h = await startWorkflowHarness(fake.activities, server);
  const orders = orderClient(h.temporal.env.client, h.taskQueue);
  const app = await buildService({ config, orders });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const contract = await OpenApiContract.load(base);
  return {
    h,
    orders,
    app,
    base,
    contract,
    async stop() {
      await app.close();
      await h.stop();
    },
  };
}
