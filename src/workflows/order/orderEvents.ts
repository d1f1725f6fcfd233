/**
 * Order events to the shop (ORDER_EVENTS_URL): one signed POST per status change, beside the main
 * loop like the receipt, so a slow or failing shop never holds up a capture. In order per order:
 * one delivery at a time, oldest first. At least once: the queue lives in the order's data (it
 * survives continue-as-new) and an event leaves it only when the shop answered 2xx or the retries'
 * bound ran out; the run does not end while one is queued.
 */
import { CancellationScope } from '@temporalio/workflow';
import type { OrderEvent } from '../messages/orderEvents';
import { describeFailure } from '../runtime/failures';
import { note, nowIso } from './orderBook';
import type { StepContext } from './orderData';

export interface OrderEventsTask {
  /** Queues an event when the status changed since the last one; starts the sender if idle. */
  observe(): void;
  /** A delivery is in flight or queued. */
  readonly busy: boolean;
  /** Resolves once every queued event is delivered (or given up). */
  drained(): Promise<void>;
}

export function startOrderEvents({ order, acts, clock }: StepContext, changed: () => void): OrderEventsTask {
  const url = order.input.policy.orderEventsUrl;
  let sending: Promise<void> | undefined;

  const send = async (): Promise<void> => {
    const events = order.events!;
    while (events.queue.length > 0) {
      const event = events.queue[0]!;
      try {
        // A workflow cancellation must not cut an announcement short: the compensation's own
        // status changes follow it, in order.
        await CancellationScope.nonCancellable(() =>
          acts.events.deliverOrderEvent.executeWithOptions({ summary: `Order event ${event.sequence}: ${event.status}` }, [{ url: url!, event }]),
        );
      } catch (err) {
        // Retried for days already (activityProxies.ts): noted, and the next event goes on.
        const error = describeFailure('deliverOrderEvent', err, nowIso(clock()));
        note(order, clock(), 'order event not delivered', `#${event.sequence} ${event.status}: ${error.message}`);
        changed();
      }
      events.queue.shift();
    }
    sending = undefined;
  };

  const kick = () => {
    if (!sending && order.events && order.events.queue.length > 0) sending = send();
  };

  return {
    observe() {
      if (!url) return;
      order.events ??= { lastStatus: 'PENDING_PAYMENT', sequence: 0, queue: [] };
      const events = order.events;
      if (order.status !== events.lastStatus) {
        events.sequence++;
        const event: OrderEvent = {
          eventId: `${order.input.salesUnit ? `${order.input.salesUnit}:` : ''}${order.input.orderId}:${events.sequence}`,
          type: 'order.status_changed',
          orderId: order.input.orderId,
          ...(order.input.salesUnit !== undefined && { salesUnit: order.input.salesUnit }),
          sequence: events.sequence,
          status: order.status,
          previousStatus: events.lastStatus,
          occurredAt: nowIso(clock()),
          amount: order.input.amount,
          aggregate: { ...order.payment.aggregate },
          alerts: [...order.alerts],
        };
        events.queue.push(event);
        events.lastStatus = order.status;
      }
      // A resumed run (continue-as-new) picks up what the last one had still queued.
      kick();
    },
    get busy() {
      return sending !== undefined || (order.events?.queue.length ?? 0) > 0;
    },
    drained: async () => {
      kick();
      while (sending) await sending;
    },
  };
}
