import type { Client, WorkflowHandle } from '@temporalio/client';
import type { OrderView } from '../../workflows/messages';
import type { orderWorkflow } from '../../workflows/orderWorkflow';
import type { OrderReader } from '../orderReads';

/** What the order client's helpers use of it: Temporal, the free reads, one order's handle, its errors. */
export interface OrderAccess {
  client: Client;
  reads: OrderReader;
  handle(orderId: string): WorkflowHandle<typeof orderWorkflow>;
  getOrder(orderId: string): Promise<OrderView>;
  mapError(err: unknown, orderId: string): Promise<unknown>;
}
